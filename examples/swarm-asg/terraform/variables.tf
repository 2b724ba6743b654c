variable "region" {
  description = "AWS region of the swarm"
  type        = string
  default     = "eu-west-1"
}

variable "vpc_id" {
  description = "VPC of both groups"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of both groups (one per availability zone)"
  type        = list(string)
}

variable "image_id" {
  description = "AMI with docker.io and the muster .deb installed (e.g. baked like ../../ejabberd-asg/packer, with docker.io instead of ejabberd)"
  type        = string
}

variable "manager_count" {
  description = "Managers: 3 (or 5) keeps a raft majority through one (two) failures; muster-manager.yaml's election.min-peers must match"
  type        = number
  default     = 3
}

variable "worker_count" {
  description = "Workers at launch"
  type        = number
  default     = 3
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}
