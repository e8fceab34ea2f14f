FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /src
COPY . .
RUN pip install . \
 && cd / \
 && rm -rf /src

RUN groupadd --system --gid 10001 kuota \
 && useradd --system --uid 10001 --gid kuota --home-dir /var/lib/kuota --create-home --shell /usr/sbin/nologin kuota

USER kuota
WORKDIR /var/lib/kuota
ENV KUOTA_DATA_DIR=/var/lib/kuota/data

CMD ["kuota", "worker"]
