import { closeSync, constants, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { damageFiles, damageNeedsManifest, manifestText, type SimExportDamage } from './export-damage.js'

/**
 * The export the simulator leaves behind: an OVF 1.0 descriptor and a hosted-sparse ("monolithicSparse")
 * VMDK whose every grain is allocated and zero. The VMDK is a real disk image (qemu-img and VMware tools
 * read it) and its file is about as large as the disk, written sparsely on the host file system.
 */

const SECTOR = 512
const GRAIN_SECTORS = 128 // 64 KiB grains, VMware's default
const GTES_PER_GT = 512
const DESCRIPTOR_SECTORS = 20
const GT_SECTORS = (GTES_PER_GT * 4) / SECTOR
// why: a symbolic link planted where a file goes must not lead the write elsewhere (ELOOP instead)
const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW

/** The name the web exporter gives disk `index` of `vmName` (docs/hyperctl.md#jobs-lifecycle-ids-status). */
export function diskFileName(vmName: string, index: number): string {
  return `${vmName}-disk-${index}.vmdk`
}

export interface ExportLayout {
  /** Disks per VM (default 1). */
  disks?: number
  /** Also write ovftool's manifest `<vmName>.mf` (default false). */
  writeManifest?: boolean
  /** Leave the export damaged this way (see SimExportDamage). */
  damage?: SimExportDamage
}

/**
 * Writes `<dir>/<vmName>-disk-<i>.vmdk` for each disk and the descriptor `<dir>/<vmName>.ovf` naming
 * them with their byte sizes, as the web exporter lays out an export, and on request the manifest
 * `<vmName>.mf`; creates `dir` like os.MkdirAll.
 */
export function writeExport(dir: string, vmName: string, diskSizeBytes: number, layout: ExportLayout = {}) {
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  const { damage } = layout
  const capacitySectors = Math.max(1, Math.ceil(diskSizeBytes / SECTOR))
  const written = Array.from({ length: Math.max(1, Math.floor(layout.disks ?? 1)) }, (_, i) => {
    const name = diskFileName(vmName, i)
    const path = join(dir, name)
    writeSparseVmdk(path, name, capacitySectors)
    return { name, path, size: statSync(path).size }
  })
  const described = written.map((d, i) =>
    i === 0 && damage === 'reference-outside' ? { ...d, name: '../outside.vmdk' } : d,
  )
  const ovfPath = join(dir, `${vmName}.ovf`)
  writeWhole(ovfPath, Buffer.from(ovfDescriptor(vmName, described, capacitySectors * SECTOR), 'utf8'))
  const diskPaths = written.map((d) => d.path)
  const files = [ovfPath, ...diskPaths]
  const manifestPath =
    layout.writeManifest || damageNeedsManifest(damage) ? join(dir, `${vmName}.mf`) : undefined
  if (manifestPath) {
    const wrong = damage === 'manifest-mismatch' ? diskPaths[0] : undefined
    writeWhole(manifestPath, Buffer.from(manifestText(files, wrong), 'utf8'))
    files.push(manifestPath)
  }
  const totalSize = files.reduce((n, f) => n + statSync(f).size, 0)
  if (damage) damageFiles(damage, ovfPath, diskPaths[0] as string)
  return {
    ovfPath,
    /** The disk files, in descriptor order. */
    diskPaths,
    /** The manifest, when one was written. */
    ...(manifestPath ? { manifestPath } : {}),
    /** Every file written: descriptor, disks, then the manifest. */
    files,
    /** Bytes of the disk files: what the web exporter reports as `total_size`. */
    diskBytes: written.reduce((n, d) => n + d.size, 0),
    /** Bytes of every file written (before any damage). */
    totalSize,
    capacityBytes: capacitySectors * SECTOR,
  }
}

export type WrittenExport = ReturnType<typeof writeExport>

/** Writes `data` to a new file that a planted symbolic link cannot redirect, then extends it to `size`. */
function writeWhole(path: string, data: Buffer, size = data.length): void {
  const fd = openSync(path, WRITE_NO_FOLLOW, 0o644)
  try {
    writeSync(fd, data)
    // why: extending the file leaves the rest as a hole, so a large disk of zeros costs no space
    if (size > data.length) ftruncateSync(fd, size)
  } finally {
    closeSync(fd)
  }
}

/** Layout: header, embedded descriptor, grain directory, grain tables, then zero grains (sparse on disk). */
export function sparseVmdkLayout(capacitySectors: number) {
  const grains = Math.ceil(capacitySectors / GRAIN_SECTORS)
  const tables = Math.ceil(grains / GTES_PER_GT)
  const gdSectors = Math.ceil((tables * 4) / SECTOR)
  const gdOffset = 1 + DESCRIPTOR_SECTORS
  const gtOffset = gdOffset + gdSectors
  const metaEnd = gtOffset + tables * GT_SECTORS
  const overHead = Math.ceil(metaEnd / GRAIN_SECTORS) * GRAIN_SECTORS
  return {
    grains,
    tables,
    gdOffset,
    gtOffset,
    overHead,
    fileBytes: (overHead + grains * GRAIN_SECTORS) * SECTOR,
  }
}

function writeSparseVmdk(path: string, fileName: string, capacitySectors: number): void {
  const layout = sparseVmdkLayout(capacitySectors)
  const meta = Buffer.alloc(layout.overHead * SECTOR)

  // SparseExtentHeader (VMware Virtual Disk Format 1.1), little endian, packed
  meta.write('KDMV', 0, 'latin1')
  meta.writeUInt32LE(1, 4) // version
  meta.writeUInt32LE(1, 8) // flags: valid new-line detection test
  meta.writeBigUInt64LE(BigInt(capacitySectors), 12)
  meta.writeBigUInt64LE(BigInt(GRAIN_SECTORS), 20)
  meta.writeBigUInt64LE(1n, 28) // descriptorOffset
  meta.writeBigUInt64LE(BigInt(DESCRIPTOR_SECTORS), 36)
  meta.writeUInt32LE(GTES_PER_GT, 44)
  meta.writeBigUInt64LE(0n, 48) // rgdOffset: no redundant directory
  meta.writeBigUInt64LE(BigInt(layout.gdOffset), 56)
  meta.writeBigUInt64LE(BigInt(layout.overHead), 64)
  meta.writeUInt8(0, 72) // uncleanShutdown
  meta.write('\n \r\n', 73, 'latin1') // new-line detection characters
  meta.writeUInt16LE(0, 77) // compressAlgorithm: none

  const descriptor = vmdkDescriptor(fileName, capacitySectors)
  if (descriptor.length > DESCRIPTOR_SECTORS * SECTOR) throw new Error('VMDK descriptor does not fit')
  descriptor.copy(meta, SECTOR)

  for (let t = 0; t < layout.tables; t++) {
    meta.writeUInt32LE(layout.gtOffset + t * GT_SECTORS, layout.gdOffset * SECTOR + t * 4)
  }
  for (let g = 0; g < layout.grains; g++) {
    meta.writeUInt32LE(layout.overHead + g * GRAIN_SECTORS, layout.gtOffset * SECTOR + g * 4)
  }

  writeWhole(path, meta, layout.fileBytes)
}

function vmdkDescriptor(fileName: string, capacitySectors: number): Buffer {
  const cylinders = Math.min(16383, Math.max(1, Math.floor(capacitySectors / (16 * 63))))
  const text = [
    '# Disk DescriptorFile',
    'version=1',
    'encoding="UTF-8"',
    'CID=fffffffe',
    'parentCID=ffffffff',
    'createType="monolithicSparse"',
    '',
    '# Extent description',
    `RW ${capacitySectors} SPARSE "${fileName.replace(/"/g, '_')}"`,
    '',
    '# The Disk Data Base',
    '#DDB',
    '',
    'ddb.adapterType = "lsilogic"',
    `ddb.geometry.cylinders = "${cylinders}"`,
    'ddb.geometry.heads = "16"',
    'ddb.geometry.sectors = "63"',
    'ddb.virtualHWVersion = "4"',
    '',
  ].join('\n')
  return Buffer.from(text, 'utf8')
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export interface DescribedDisk {
  /** The file name the descriptor references (relative to the descriptor). */
  name: string
  /** The file's byte size (`ovf:size`). */
  size: number
}

/** An OVF 1.0 envelope naming each disk in References/File, DiskSection/Disk and a hard-disk Item. */
export function ovfDescriptor(
  vmName: string,
  disks: readonly DescribedDisk[],
  capacityBytes: number,
): string {
  const name = xml(vmName)
  // one piece of XML per disk, `n` counting from 1
  const each = (piece: (d: DescribedDisk, n: number) => string) =>
    disks.map((d, i) => piece(d, i + 1)).join('\n')
  const files = each((d, n) => `    <File ovf:href="${xml(d.name)}" ovf:id="file${n}" ovf:size="${d.size}"/>`)
  const diskEntries = each(
    (_, n) =>
      `    <Disk ovf:capacity="${capacityBytes}" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk${n}" ovf:fileRef="file${n}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#sparse" ovf:populatedSize="0"/>`,
  )
  const diskItems = each(
    (_, n) => `      <Item>
        <rasd:AddressOnParent>${n - 1}</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk ${n}</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk${n}</rasd:HostResource>
        <rasd:InstanceID>${3 + n}</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>`,
  )
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by @hyperctl-export/simulator (hypervisord-sim): a simulated export, not a real VM. -->
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
${files}
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
${diskEntries}
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network">
      <Description>The VM Network network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${name}">
    <Info>A virtual machine</Info>
    <Name>${name}</Name>
    <OperatingSystemSection ovf:id="101">
      <Info>The kind of installed guest operating system</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${name}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>1 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>1</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>512MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>512</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
${diskItems}
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`
}
