output "group" {
  value = aws_autoscaling_group.ejabberd.name
}

output "cookie_parameter_path" {
  description = "SSM path of the cluster's records and its Erlang cookie (SecureString)"
  value       = "/muster/chat/"
}

output "kms_key_arn" {
  value = aws_kms_key.muster.arn
}
