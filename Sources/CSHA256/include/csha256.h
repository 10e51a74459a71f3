// SHA-256 (FIPS 180-4) of a byte buffer, for the fixture manifest. In C so that it is fast in debug builds too.
#ifndef CSHA256_H
#define CSHA256_H
#include <stddef.h>
#include <stdint.h>

/// Writes the 32-byte digest of `bytes[0..<count]` into `digest`.
void csha256(const uint8_t *bytes, size_t count, uint8_t digest[32]);

#endif
