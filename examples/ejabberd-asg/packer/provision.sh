#!/bin/sh
# Runs on the build instance (packer/ejabberd.pkr.hcl), as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ejabberd openjdk-17-jre-headless
apt-get install -y --no-install-recommends /tmp/muster.deb
rm /tmp/muster.deb

# Erlang long names: peers reach each other by EC2 private DNS name, which is what muster's asg
# discovery reports as each peer's host name (adapter.ejabberd.node-name: ejabberd@{hostname}).
sed -i 's/^#\?ERLANG_NODE=.*/ERLANG_NODE=ejabberd@$(hostname -f)/' /etc/ejabberd/ejabberdctl.cfg
# Erlang distribution on a fixed port range, the one the security group opens between members.
sed -i 's/^#\?FIREWALL_WINDOW=.*/FIREWALL_WINDOW=4200-4210/' /etc/ejabberd/ejabberdctl.cfg

# The package started ejabberd once (as ejabberd@localhost, with a random cookie): forget that,
# so every instance starts with an empty database and muster brings the cluster's cookie.
systemctl stop ejabberd
rm -rf /var/lib/ejabberd/* /var/lib/ejabberd/.erlang.cookie
# The ejabberd adapter runs ejabberdctl through su, writes the cookie as user ejabberd and restarts
# ejabberd: it needs the package's privileged drop-in (the plain unit runs as user muster).
install -D -m 0644 /usr/share/doc/muster/examples/privileged.conf \
  /etc/systemd/system/muster.service.d/privileged.conf
# muster starts from cloud-init once /etc/muster/muster.yaml is written (terraform/cloud-init.yaml);
# the package leaves it disabled, and no state of this build instance may reach the image.
systemctl disable muster.service 2>/dev/null || true
rm -rf /var/lib/muster/*
