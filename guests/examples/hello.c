/*
 * hello: the smallest Denali guest. Prints who and where it is (VM id,
 * memory, kernel time, MAC and default IP address) and exits.
 *
 *   deno task cli build guests/examples/hello.c -o hello.elf
 *   deno task cli run hello.elf --vms 3
 */
#include <denali.h>
#include <los.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  uint32_t id = DN_VREG(DN_VREG_VM_ID);
  uint8_t mac[6];
  char ip[16];
  los_nic_mac(mac);
  printf("hello from VM %u: %u KiB of memory, %u us into the kernel's time\n", id,
         DN_VREG(DN_VREG_MEM_SIZE) / 1024, (unsigned)clock());
  printf("  mac %02x:%02x:%02x:%02x:%02x:%02x, ip %s\n", mac[0], mac[1], mac[2], mac[3], mac[4],
         mac[5], los_ip_str(los_ip_of_vm(id), ip));
  return 0;
}
