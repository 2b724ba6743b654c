# ejabberd on an Auto Scaling group, clustered by muster.
#  - the image: ../packer (ejabberd and the muster .deb);
#  - user-data: ../muster.yaml through cloud-init.yaml, no secret;
#  - the group declares its launch and terminate hooks as initial_lifecycle_hook: a hook declared
#    separately (aws_autoscaling_lifecycle_hook) is created after the group, so the first
#    instances would launch without it and go in service before they joined;
#  - the instance role: ../iam-policy.json, exactly what `muster iam-policy -c muster.yaml` prints;
#  - the Erlang cookie: an SSM SecureString under /muster/chat/, written by the instance that forms
#    the cluster, encrypted with the customer-managed key below.

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
  group = "chat" # node.auto-scaling-group in ../muster.yaml, which scopes the hook actions to it
}

# --- the join secret's key and path ------------------------------------------------------------

resource "aws_kms_key" "muster" {
  description         = "muster: the chat cluster's Erlang cookie in SSM (/muster/chat/)"
  enable_key_rotation = true
}

resource "aws_kms_alias" "muster" {
  name          = "alias/muster-chat" # store.ssm.kms-key-id in ../muster.yaml
  target_key_id = aws_kms_key.muster.key_id
}

# --- network ---------------------------------------------------------------------------------

resource "aws_security_group" "ejabberd" {
  name_prefix = "ejabberd-"
  description = "ejabberd cluster members"
  vpc_id      = var.vpc_id

  ingress {
    description = "XMPP clients"
    from_port   = 5222
    to_port     = 5222
    protocol    = "tcp"
    cidr_blocks = var.client_cidr_blocks
  }
  ingress {
    description = "epmd, between members only"
    from_port   = 4369
    to_port     = 4369
    protocol    = "tcp"
    self        = true
  }
  ingress {
    description = "Erlang distribution (FIREWALL_WINDOW in ../packer/provision.sh)"
    from_port   = 4200
    to_port     = 4210
    protocol    = "tcp"
    self        = true
  }
  egress {
    description = "AWS APIs (via NAT or VPC endpoints) and the members"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- the instance role ---------------------------------------------------------------------------

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ejabberd" {
  name_prefix        = "ejabberd-"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "muster" {
  name = "muster"
  role = aws_iam_role.ejabberd.id
  # muster iam-policy -c muster.yaml (ExamplesIamPolicyTest fails when they drift)
  policy = file("${path.module}/../iam-policy.json")
}

resource "aws_iam_instance_profile" "ejabberd" {
  name_prefix = "ejabberd-"
  role        = aws_iam_role.ejabberd.name
}

# --- launch template and group ---------------------------------------------------------------------

resource "aws_launch_template" "ejabberd" {
  name_prefix            = "ejabberd-"
  image_id               = var.image_id
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.ejabberd.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.ejabberd.arn
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only, as muster uses it
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }
  user_data = base64encode(templatefile("${path.module}/cloud-init.yaml", {
    muster_yaml_b64 = filebase64("${path.module}/../muster.yaml")
  }))
}

resource "aws_autoscaling_group" "ejabberd" {
  name                = local.group
  min_size            = 3
  max_size            = 9
  desired_capacity    = 3 # election.min-peers in ../muster.yaml
  vpc_zone_identifier = var.subnet_ids
  health_check_type   = "EC2"

  launch_template {
    id      = aws_launch_template.ejabberd.id
    version = aws_launch_template.ejabberd.latest_version
  }

  # Declared with the group, so they hold the very first instances too. muster answers both
  # from the instance itself (lifecycle.* in ../muster.yaml): no notification target needed.
  initial_lifecycle_hook {
    name                 = "muster-launch" # lifecycle.launch-hook
    lifecycle_transition = "autoscaling:EC2_INSTANCE_LAUNCHING"
    heartbeat_timeout    = 300 # lifecycle.heartbeat-timeout
    default_result       = "ABANDON"
  }
  initial_lifecycle_hook {
    name                 = "muster-drain" # lifecycle.terminate-hook
    lifecycle_transition = "autoscaling:EC2_INSTANCE_TERMINATING"
    heartbeat_timeout    = 300
    default_result       = "CONTINUE"
  }

  tag {
    key                 = "Name"
    value               = "ejabberd-chat"
    propagate_at_launch = true
  }
}
