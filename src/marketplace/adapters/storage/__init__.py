"""Object storage adapters: MinIO/S3 (minio client), a local folder, and memory."""
