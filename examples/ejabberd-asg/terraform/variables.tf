variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Private subnets of the group (one per availability zone)"
  type        = list(string)
}

variable "image_id" {
  description = "AMI built by ../packer (ejabberd and muster installed)"
  type        = string
}

variable "client_cidr_blocks" {
  description = "Who may connect to XMPP (5222)"
  type        = list(string)
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}
