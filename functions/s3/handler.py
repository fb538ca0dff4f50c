"""Asynchronous trigger: log each object S3 reports as created."""

from urllib.parse import unquote_plus


def handler(event, context):
    print("S3 trigger Lambda")
    for record in event.get("Records", []):
        s3 = record.get("s3", {})
        bucket = s3.get("bucket", {}).get("name", "")
        # S3 sends keys URL-encoded, spaces as "+".
        key = unquote_plus(s3.get("object", {}).get("key", ""))
        print(f"bucket = {bucket} key = {key}")
