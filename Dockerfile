# Production image: Debian 12 (the platform `make` targets), GDAL/GEOS/PROJ from Debian, Python deps from the lock.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 proj-data gdal-bin nodejs npm \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock && npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/vendor.sh && ARDH_SECRET_KEY=build ARDH_DB_PASSWORD=build ARDH_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0
# /media: uploaded and issued documents (a volume in docker-compose.yml; a fresh volume takes this owner).
RUN useradd --system --home /app ardh && mkdir -p /media && chown -R ardh /app/.data /media
USER ardh
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec python -m runtime.serve --host 0.0.0.0 --port 8000 --access-log"]
