"""Break delivery behind trig's back while every piece of wiring stays in place.

Emptying a bucket's notification configuration makes trig refuse to check (the wiring is
missing, and it says so). To test what trig says when events go unconfirmed, the
notification is kept, still naming the function, with a prefix no event of trig's carries.
"""

from __future__ import annotations

UNUSED_PREFIX = "nothing-goes-here/"


def filter_out_every_event(trig, bucket: str, function_name: str = "s3-trigger-test") -> None:
    arn = trig.client("lambda").get_function_configuration(FunctionName=function_name)["FunctionArn"]
    trig.client("s3").put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": UNUSED_PREFIX}]}},
        }]})
