//! The Azure Instance Metadata Service (VMs and scale sets): whether this machine is one, so
//! that IMDS may be asked at all.
//!
//! IMDS is asked only on a machine whose SMBIOS chassis asset tag is the one every Azure VM
//! carries: read from `/sys/class/dmi/id/chassis_asset_tag` on Linux, and from the raw SMBIOS
//! table (`GetSystemFirmwareTable('RSMB')`) on Windows. Azure's SDKs instead probe
//! 169.254.169.254 with a short timeout; feedctl never sends a packet there from a machine
//! that is not an Azure VM. How long IMDS is asked while busy is [`super::retry`]'s.

/// Test-only: how many milliseconds one second of the schedule lasts. Honoured only together
/// with the loopback `FEEDCTL_TEST_IMDS_ENDPOINT`, so the real IMDS always gets the real
/// schedule.
pub const TEST_SECOND_VAR: &str = "FEEDCTL_TEST_IMDS_SECOND_MS";

/// The SMBIOS chassis asset tag every Azure VM carries.
const AZURE_ASSET_TAG: &str = "7783-7084-3265-9085-8269-3286-77";
/// Test-only: a file whose text is taken as this machine's chassis asset tag, so tests decide
/// whether "this machine" is an Azure VM (on every OS).
pub const TEST_DMI_VAR: &str = "FEEDCTL_TEST_DMI_CHASSIS_ASSET_TAG_FILE";

/// Whether this machine says it is an Azure VM; `test_file` stands in for its asset tag.
pub fn is_azure_vm(test_file: Option<std::path::PathBuf>) -> bool {
    let tag = match test_file {
        Some(path) => std::fs::read_to_string(path).ok(),
        None => chassis_asset_tag(),
    };
    tag.is_some_and(|tag| tag.trim() == AZURE_ASSET_TAG)
}

#[cfg(target_os = "linux")]
fn chassis_asset_tag() -> Option<String> {
    std::fs::read_to_string("/sys/class/dmi/id/chassis_asset_tag").ok()
}

#[cfg(windows)]
fn chassis_asset_tag() -> Option<String> {
    use windows_sys::Win32::System::SystemInformation::{GetSystemFirmwareTable, RSMB};
    // SAFETY: a null buffer of size 0 only asks for the table's size.
    let size = unsafe { GetSystemFirmwareTable(RSMB, 0, std::ptr::null_mut(), 0) };
    if size == 0 {
        return None;
    }
    let mut raw = vec![0u8; size as usize];
    // SAFETY: `raw` has `size` writable bytes, and the call writes at most that many.
    let written = unsafe { GetSystemFirmwareTable(RSMB, 0, raw.as_mut_ptr(), size) };
    if written == 0 || written > size {
        return None;
    }
    raw.truncate(written as usize);
    smbios_chassis_asset_tag(&raw)
}

#[cfg(not(any(target_os = "linux", windows)))]
fn chassis_asset_tag() -> Option<String> {
    None
}

/// The chassis asset tag in a raw SMBIOS table as Windows hands it out: an 8-byte header
/// (its table length at bytes 4..8), then structures of a 4-byte header (type, formatted
/// length, handle), the formatted area and a set of NUL-terminated strings ending in an empty
/// one. The chassis is type 3; byte 8 of its formatted area numbers its asset tag string.
#[cfg_attr(not(windows), allow(dead_code))]
fn smbios_chassis_asset_tag(raw: &[u8]) -> Option<String> {
    let length = u32::from_le_bytes(raw.get(4..8)?.try_into().ok()?) as usize;
    let mut table = raw.get(8..)?;
    table = &table[..length.min(table.len())];
    while table.len() >= 4 {
        let (kind, formatted) = (table[0], usize::from(table[1]));
        if formatted < 4 || formatted > table.len() {
            return None;
        }
        let strings = &table[formatted..];
        let end = strings.windows(2).position(|pair| pair == [0, 0])? + 2;
        match kind {
            3 => {
                let number = usize::from(*table.get(8).filter(|_| formatted > 8)?);
                let text = strings[..end]
                    .split(|&b| b == 0)
                    .nth(number.checked_sub(1)?)?;
                return Some(String::from_utf8_lossy(text).into_owned());
            }
            127 => return None,
            _ => table = &table[formatted + end..],
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw table as Windows returns it: a BIOS structure (type 0) with two strings, a
    /// chassis (type 3) whose asset tag is its second string, and the end marker.
    fn smbios(asset_tag_number: u8) -> Vec<u8> {
        let mut table = vec![0, 5, 0, 0, 1];
        table.extend(b"Microsoft\0Hyper-V UEFI\0\0");
        table.extend([3, 9, 1, 0, 1, 1, 0, 0, asset_tag_number]);
        table.extend(b"Microsoft Corporation\0");
        table.extend(AZURE_ASSET_TAG.as_bytes());
        table.extend(b"\0\0");
        table.extend([127, 4, 2, 0, 0, 0]);
        let mut raw = vec![0, 3, 4, 0];
        raw.extend((table.len() as u32).to_le_bytes());
        raw.extend(table);
        raw
    }

    #[test]
    fn the_chassis_asset_tag_is_found_in_a_raw_smbios_table() {
        assert_eq!(
            smbios_chassis_asset_tag(&smbios(2)).as_deref(),
            Some(AZURE_ASSET_TAG)
        );
        assert_eq!(
            smbios_chassis_asset_tag(&smbios(1)).as_deref(),
            Some("Microsoft Corporation")
        );
        assert_eq!(smbios_chassis_asset_tag(&smbios(0)), None);
        assert_eq!(smbios_chassis_asset_tag(&smbios(9)), None);
        let whole = smbios(2);
        for cut in 0..whole.len() {
            let _ = smbios_chassis_asset_tag(&whole[..cut]);
        }
    }
}
