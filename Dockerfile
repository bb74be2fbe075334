# The review service in one image: the same install step as `make install` (and so as CI), run as a
# non-root user, data in a volume, served by waitress (`woo-redact serve`).
#   docker build -t woo-redact .
#   docker run -p 8000:8000 -v woo-data:/data woo-redact
#   docker run --rm -it -v woo-data:/data woo-redact .venv/bin/woo-redact users add NAME --role admin --password
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WOO_REDACT_DATA=/data \
    WOO_REDACT_CACHE=/app/cache \
    # behind a TLS-terminating proxy the session cookie must only travel over HTTPS
    WOO_REDACT_SECURE_COOKIES=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
      tesseract-ocr tesseract-ocr-nld \
      libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui fonts-liberation \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 woo

WORKDIR /app
COPY . .
# The project's own install step; then build the name lexicon cache once, so no container pays for it.
RUN make install \
 && .venv/bin/python -c "from redaction.analyzer import get_engine; get_engine()" \
 && mkdir -p /data && chown woo:woo /data

USER woo
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/openapi.json', timeout=4)"
CMD [".venv/bin/woo-redact", "serve", "--host", "0.0.0.0", "--port", "8000"]
