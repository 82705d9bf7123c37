// Calls to Ardh's REST API with the session cookie and CSRF token; refusals become readable messages.
import {cfg, T} from "./config.js";

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
}

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

// What the API said, as one sentence for people; the status picks the heading.
function describe(status, body) {
  const detail = body && (body.detail || body.non_field_errors || body);
  let text = typeof detail === "string" ? detail : "";
  if (!text && detail && typeof detail === "object") {
    text = Object.entries(detail).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(" ") : JSON.stringify(v)}`).join("; ");
  }
  const heading = {
    409: T("Topology conflict"), 412: T("Someone else changed this record"), 428: T("Read the record first"),
    401: T("Please sign in again"), 403: T("Not allowed for your account"), 404: T("Not found"),
  }[status] || (status >= 500 ? T("Server error") : T("Refused"));
  return text ? `${heading}: ${text}` : heading;
}

export async function api(path, {method = "GET", body, headers = {}, raw = false} = {}) {
  const init = {method, credentials: "same-origin", headers: {Accept: "application/json", ...headers}};
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  if (method !== "GET") init.headers["X-CSRFToken"] = csrfToken();
  const url = path.startsWith("/") ? path : cfg.urls.api + path;
  const response = await fetch(url, init);
  if (!response.ok) {
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    throw new ApiError(response.status, data);
  }
  if (raw) return response;
  return {data: response.status === 204 ? null : await response.json(), etag: response.headers.get("ETag")};
}
