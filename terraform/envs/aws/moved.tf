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
