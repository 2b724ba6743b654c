# Docker Swarm on AWS: a manager group and a worker group, clustered by muster.
# The managers form the swarm; its join tokens are kept in SSM Parameter Store (SecureString,
# /muster/swarm/...), readable only with the instance roles below. No node serves a token, the
# Docker API listens on its unix socket only, and the security groups open the swarm ports to
# the swarm's own instances alone: nothing is reachable unauthenticated.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  cluster = "swarm" # cluster.name in ../muster-*.yaml; the SSM path is /muster/swarm/
  # Both groups' instances carry this tag: the workers' ec2-tags discovery finds them by it.
  discovery_tag = { key = "muster-cluster", value = local.cluster }
}

# --- network: swarm ports between the swarm's instances only ---------------------------------

resource "aws_security_group" "swarm" {
  name_prefix = "swarm-"
  description = "Docker Swarm nodes (managers and workers)"
  vpc_id      = var.vpc_id

  ingress {
    description = "swarm management (raft, joins): managers listen, every node connects"
    from_port   = 2377
    to_port     = 2377
    protocol    = "tcp"
    self        = true
  }
  ingress {
    description = "node gossip"
    from_port   = 7946
    to_port     = 7946
    protocol    = "tcp"
    self        = true
  }
  ingress {
    description = "node gossip"
    from_port   = 7946
    to_port     = 7946
    protocol    = "udp"
    self        = true
  }
  ingress {
    description = "overlay network traffic (VXLAN)"
    from_port   = 4789
    to_port     = 4789
    protocol    = "udp"
    self        = true
  }
  egress {
    description = "AWS APIs (via NAT or VPC endpoints) and the swarm"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- instance roles: exactly what `muster iam-policy` prints for each configuration ----------

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "manager" {
  name_prefix        = "swarm-manager-"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "manager_muster" {
  name = "muster"
  role = aws_iam_role.manager.id
  # muster iam-policy -c muster-manager.yaml (ExamplesIamPolicyTest keeps them equal)
  policy = file("${path.module}/../iam-policy-manager.json")
}

resource "aws_iam_instance_profile" "manager" {
  name_prefix = "swarm-manager-"
  role        = aws_iam_role.manager.name
}

resource "aws_iam_role" "worker" {
  name_prefix        = "swarm-worker-"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "worker_muster" {
  name = "muster"
  role = aws_iam_role.worker.id
  # muster iam-policy -c muster-worker.yaml (ExamplesIamPolicyTest keeps them equal)
  policy = file("${path.module}/../iam-policy-worker.json")
}

resource "aws_iam_instance_profile" "worker" {
  name_prefix = "swarm-worker-"
  role        = aws_iam_role.worker.name
}

# --- launch templates: user-data holds configuration only, never a token ---------------------

resource "aws_launch_template" "manager" {
  name_prefix            = "swarm-manager-"
  image_id               = var.image_id
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.swarm.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.manager.arn
  }
  metadata_options {
    http_tokens                 = "required" # IMDSv2 only, as muster uses it
    http_put_response_hop_limit = 1          # containers cannot reach the instance's credentials
    http_endpoint               = "enabled"
  }
  user_data = base64encode(templatefile("${path.module}/cloud-init.yaml", {
    muster_yaml_b64        = filebase64("${path.module}/../muster-manager.yaml")
    docker_daemon_json_b64 = base64encode(jsonencode({ labels = ["swarm-tier=manager"] }))
  }))
}

resource "aws_launch_template" "worker" {
  name_prefix            = "swarm-worker-"
  image_id               = var.image_id
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.swarm.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.worker.arn
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    http_endpoint               = "enabled"
  }
  user_data = base64encode(templatefile("${path.module}/cloud-init.yaml", {
    muster_yaml_b64 = filebase64("${path.module}/../muster-worker.yaml")
    # Engine labels: a worker cannot label its own node object (see docs/adapters/swarm.md).
    docker_daemon_json_b64 = base64encode(jsonencode({ labels = ["swarm-tier=worker"] }))
  }))
}

# --- the two groups ---------------------------------------------------------------------------

resource "aws_autoscaling_group" "manager" {
  name_prefix         = "swarm-manager-"
  min_size            = var.manager_count
  max_size            = var.manager_count
  desired_capacity    = var.manager_count
  vpc_zone_identifier = var.subnet_ids

  launch_template {
    id      = aws_launch_template.manager.id
    version = aws_launch_template.manager.latest_version
  }
  tag {
    key                 = local.discovery_tag.key
    value               = local.discovery_tag.value
    propagate_at_launch = true
  }
  tag {
    key                 = "Name"
    value               = "swarm-manager"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_group" "worker" {
  name_prefix         = "swarm-worker-"
  min_size            = 0
  max_size            = 20
  desired_capacity    = var.worker_count
  vpc_zone_identifier = var.subnet_ids

  launch_template {
    id      = aws_launch_template.worker.id
    version = aws_launch_template.worker.latest_version
  }
  tag {
    key                 = local.discovery_tag.key
    value               = local.discovery_tag.value
    propagate_at_launch = true
  }
  tag {
    key                 = "Name"
    value               = "swarm-worker"
    propagate_at_launch = true
  }
}
