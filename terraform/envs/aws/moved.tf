# Each trigger's function was a module of its own (api_function, s3_function,
# kinesis_function); one module with an instance per trigger replaced them.
# These keep roots applied before that from destroying and recreating them.
moved {
  from = module.api_function[0]
  to   = module.function["api"]
}

moved {
  from = module.s3_function[0]
  to   = module.function["s3"]
}

moved {
  from = module.kinesis_function[0]
  to   = module.function["kinesis"]
}

# Then each trigger became one instance of the trigger stack, its function and trigger inside it.

moved {
  from = module.function["api"]
  to   = module.trigger["api"].module.function
}

moved {
  from = module.api[0]
  to   = module.trigger["api"].module.api[0]
}

moved {
  from = module.function["s3"]
  to   = module.trigger["s3"].module.function
}

moved {
  from = module.s3[0]
  to   = module.trigger["s3"].module.s3[0]
}

moved {
  from = module.function["kinesis"]
  to   = module.trigger["kinesis"].module.function
}

moved {
  from = module.kinesis[0]
  to   = module.trigger["kinesis"].module.kinesis[0]
}

moved {
  from = module.function["sns"]
  to   = module.trigger["sns"].module.function
}

moved {
  from = module.sns[0]
  to   = module.trigger["sns"].module.sns[0]
}

moved {
  from = module.function["schedule"]
  to   = module.trigger["schedule"].module.function
}

moved {
  from = module.schedule[0]
  to   = module.trigger["schedule"].module.schedule[0]
}

moved {
  from = module.function["dynamodb"]
  to   = module.trigger["dynamodb"].module.function
}

moved {
  from = module.dynamodb[0]
  to   = module.trigger["dynamodb"].module.dynamodb[0]
}

moved {
  from = module.function["sqs"]
  to   = module.trigger["sqs"].module.function
}

moved {
  from = module.sqs[0]
  to   = module.trigger["sqs"].module.sqs[0]
}
