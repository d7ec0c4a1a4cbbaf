/* CRC-32 (IEEE 802.3, reflected, table-driven) of fixed strings and PRNG data. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t table[256];

static void make_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* Bitwise version, to cross-check the table. */
static uint32_t crc32_slow(const uint8_t *p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

static uint8_t data[16384];

int main(void) {
  make_table();
  static const char *const samples[] = {"", "a", "abc", "123456789", "message digest",
                                        "The quick brown fox jumps over the lazy dog"};
  for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    const char *s = samples[i];
    printf("crc32(\"%s\") = %08x\n", s, crc32(0, (const uint8_t *)s, strlen(s)));
  }
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < sizeof data; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    data[i] = (uint8_t)(x >> 24);
  }
  uint32_t whole = crc32(0, data, sizeof data);
  uint32_t parts = 0;
  for (size_t off = 0; off < sizeof data; off += 1000) {
    size_t n = sizeof data - off < 1000 ? sizeof data - off : 1000;
    parts = crc32(parts, data + off, n);
  }
  printf("crc32(data) = %08X incremental %s\n", whole, whole == parts ? "matches" : "DIFFERS");
  printf("bitwise check: %s\n", crc32_slow(data, 4096) == crc32(0, data, 4096) ? "ok" : "FAIL");
  return 0;
}
