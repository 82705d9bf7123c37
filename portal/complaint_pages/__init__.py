"""The portal's complaint pages: file one with a pin and a photo, follow it, rate its resolution; the public map."""
