# The ejabberd image: Debian 12, ejabberd, and muster from its .deb. Nothing instance-specific is
# baked: no cookie, no Mnesia database, no muster state (each instance gets its own at first boot;
# the cookie arrives from SSM through muster).
#   packer build -var muster_deb=../../../packaging/target/muster_VERSION_all.deb .
# CI runs `packer validate` on this directory (Debian's packer 1.6.6).

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "muster_deb" {
  type        = string
  description = "Path of the muster .deb (./mvnw -pl packaging -am package builds it)"
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}

source "amazon-ebs" "ejabberd" {
  region        = var.region
  instance_type = var.instance_type
  ssh_username  = "admin"
  ami_name      = "ejabberd-muster-{{timestamp}}"
  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["136693071363"] # Debian's official images
    most_recent = true
  }
  tags = {
    Name = "ejabberd-muster"
  }
}

build {
  sources = ["source.amazon-ebs.ejabberd"]

  provisioner "file" {
    source      = var.muster_deb
    destination = "/tmp/muster.deb"
  }

  provisioner "shell" {
    script          = "${path.root}/provision.sh"
    execute_command = "sudo sh -eu '{{ .Path }}'"
  }
}
