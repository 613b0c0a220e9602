# Devices of the dmaptest DAX stack (scripts/build-dax-stack): configure
# --without-default-devices --with-devices-x86_64=dmaptest-dax builds only
# these and what they select. scripts/dmaptest-vm boots a q35 machine
# (ISA serial ports for the console and the output) with a
# vhost-user-fs-pci device and nothing else.
CONFIG_Q35=y
CONFIG_VIRTIO_PCI=y
CONFIG_VHOST_USER_FS=y
