output "manager_group" {
  value = aws_autoscaling_group.manager.name
}

output "worker_group" {
  value = aws_autoscaling_group.worker.name
}

output "join_token_path" {
  description = "Where the swarm's join tokens are kept (SSM SecureString parameters)"
  value       = "/muster/${local.cluster}/"
}
