# postsearch in a container: the server as a non-root user, the index on a volume.
#   docker build -t postsearch .
#   docker run --rm -v postsearch-data:/var/lib/postsearch postsearch index https://blog.example/
#   docker run -d -p 8000:8000 -v postsearch-data:/var/lib/postsearch \
#       -e POSTSEARCH_SITE_URL=https://blog.example/ -e POSTSEARCH_ADMIN_TOKEN=... postsearch
ARG BASE=debian:bookworm-slim
FROM $BASE

# Debian's Python 3.11 in a venv; nothing to compile (every dependency ships a wheel).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# Extra pip options, e.g. "--no-index --find-links /src/wheels" to build without PyPI.
ARG PIP_OPTIONS=""
COPY . /src
RUN python3 -m venv /opt/postsearch \
 && /opt/postsearch/bin/pip install --no-cache-dir $PIP_OPTIONS /src \
 && rm -rf /src

RUN useradd --system --uid 10001 --home-dir /var/lib/postsearch postsearch \
 && mkdir -p /var/lib/postsearch \
 && chown postsearch:postsearch /var/lib/postsearch
USER postsearch
WORKDIR /var/lib/postsearch
ENV PATH=/opt/postsearch/bin:$PATH \
    POSTSEARCH_INDEX=/var/lib/postsearch/index \
    PYTHONUNBUFFERED=1
VOLUME /var/lib/postsearch
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
ENTRYPOINT ["postsearch"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
