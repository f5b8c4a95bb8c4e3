//! The dispatch table is sorted, unique, and built from the `discmaster-mmc` command types.

use discmaster_emu::dispatch::{command_row, COMMANDS};
use discmaster_mmc::commands::ALL;
use discmaster_mmc::Cdb;

#[test]
fn commands_sorted_and_unique() {
    for w in COMMANDS.windows(2) {
        assert!(
            w[0].opcode < w[1].opcode,
            "{:02X}h !< {:02X}h",
            w[0].opcode,
            w[1].opcode
        );
    }
}

#[test]
fn commands_rows_match_mmc_command_types() {
    for row in COMMANDS {
        let info = ALL
            .iter()
            .find(|c| c.opcode == row.opcode)
            .unwrap_or_else(|| {
                panic!(
                    "{:02X}h {} is not an mmc command type",
                    row.opcode, row.name
                )
            });
        assert_eq!(row.name, info.name);
        assert_eq!(row.cdb_len, info.cdb_len, "{}", row.name);
        assert_eq!(row.direction, info.direction, "{}", row.name);
        assert_eq!(
            Some(row.cdb_len),
            Cdb::length_for_opcode(row.opcode),
            "{}: group length",
            row.name
        );
    }
}

#[test]
fn commands_cover_every_mmc_command_type() {
    for info in ALL {
        assert!(
            command_row(info.opcode).is_some(),
            "{:02X}h {} has no handler",
            info.opcode,
            info.name
        );
    }
}

#[test]
fn command_row_finds_each_row() {
    for row in COMMANDS {
        assert_eq!(command_row(row.opcode).map(|r| r.name), Some(row.name));
    }
    assert!(
        command_row(0xA2).is_none(),
        "A2h SEND EVENT is not emulated"
    );
}
