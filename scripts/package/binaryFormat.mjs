// What platform a native binary is built for, from its header: ELF (e_machine), Mach-O (cputype,
// universal "fat" files slice by slice) and PE (COFF machine). Used by the package content check.
import { closeSync, openSync, readSync } from 'node:fs';

const ELF_MACHINE = { 0x03: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64', 0xf3: 'riscv64', 0x15: 'ppc64', 0x16: 's390x' };
const MACHO_CPU = { 0x7: 'ia32', 0x01000007: 'x64', 0xc: 'arm', 0x0100000c: 'arm64' };
const PE_MACHINE = { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64', 0x1c4: 'arm' };

/**
 * `{ os: 'linux'|'darwin'|'win32', archs: [...] }` for a native binary's first bytes, or undefined
 * when they are none of the three formats. `archs` has one entry except for a universal Mach-O.
 */
export function binaryPlatform(buf) {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    const le = buf[5] === 1;
    const m = le ? buf.readUInt16LE(18) : buf.readUInt16BE(18);
    return { os: 'linux', format: `ELF${buf[4] === 2 ? '64' : '32'}`, archs: [ELF_MACHINE[m] ?? `e_machine 0x${m.toString(16)}`] };
  }
  if (buf.length >= 8) {
    const magicLE = buf.readUInt32LE(0);
    if (magicLE === 0xfeedfacf || magicLE === 0xfeedface) {
      const cpu = buf.readUInt32LE(4);
      return { os: 'darwin', format: 'Mach-O', archs: [MACHO_CPU[cpu] ?? `cputype 0x${cpu.toString(16)}`] };
    }
    const magicBE = buf.readUInt32BE(0);
    if (magicBE === 0xcafebabe || magicBE === 0xcafebabf) {
      // Universal binary: nfat_arch entries of 20 (fat) or 32 (fat64) bytes, big-endian, after the header.
      const n = buf.readUInt32BE(4);
      const size = magicBE === 0xcafebabe ? 20 : 32;
      if (n > 0 && n < 32 && buf.length >= 8 + n * size) {
        const archs = [];
        for (let i = 0; i < n; i++) {
          const cpu = buf.readUInt32BE(8 + i * size);
          archs.push(MACHO_CPU[cpu] ?? `cputype 0x${cpu.toString(16)}`);
        }
        return { os: 'darwin', format: 'Mach-O universal', archs };
      }
    }
  }
  if (buf.length >= 0x40 && buf.readUInt16BE(0) === 0x4d5a) {
    const pe = buf.readUInt32LE(0x3c);
    if (pe + 6 <= buf.length && buf.readUInt32BE(pe) === 0x50450000) {
      const m = buf.readUInt16LE(pe + 4);
      return { os: 'win32', format: 'PE', archs: [PE_MACHINE[m] ?? `machine 0x${m.toString(16)}`] };
    }
  }
  return undefined;
}

/** The header of a file on disk (4 KiB is enough for all three formats' fields read here). */
export function fileBinaryPlatform(file) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return binaryPlatform(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** Names a native binary goes by: .node, .so (versioned too: .so.1), .dylib, .dll. */
export const NATIVE_NAME = /\.(node|dylib|dll)$|\.so(\.\d+)*$/;
