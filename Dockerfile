# RingScope API and CLI image. The API listens on 0.0.0.0 inside the container only; the
# compose file publishes it on the host's loopback address.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY ringscope ringscope
COPY graph_schema graph_schema
COPY loader loader
COPY queries queries
COPY api api
COPY generator generator
COPY data data
RUN pip install --no-cache-dir .

RUN useradd --create-home --uid 10001 ringscope
USER ringscope

EXPOSE 8000
CMD ["ringscope", "serve", "--host", "0.0.0.0", "--port", "8000"]
