//! iSCSI code points as enums that keep unknown values (after smoltcp `enum_with_unknown!`, as in
//! `discmaster-mmc`): a target sending a reserved or vendor-specific code round-trips as
//! `Unknown(raw)` instead of failing to decode.

/// Declares an enum over a primitive with an `Unknown(raw)` variant and `From` both ways.
macro_rules! enum_with_unknown {
    (
        $(#[$enum_attr:meta])*
        pub enum $name:ident($ty:ty) {
            $( $(#[$variant_attr:meta])* $variant:ident = $value:expr ),+ $(,)?
        }
    ) => {
        $(#[$enum_attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$variant_attr])* $variant ),*,
            /// A value this crate has no name for; kept as sent.
            Unknown($ty),
        }

        impl ::core::convert::From<$ty> for $name {
            fn from(value: $ty) -> Self {
                match value {
                    $( $value => $name::$variant ),*,
                    other => $name::Unknown(other),
                }
            }
        }

        impl ::core::convert::From<$name> for $ty {
            fn from(value: $name) -> Self {
                match value {
                    $( $name::$variant => $value ),*,
                    $name::Unknown(other) => other,
                }
            }
        }
    };
}

enum_with_unknown! {
    /// PDU opcode: the low 6 bits of BHS byte 0.
    ///
    /// Shape: 6 bits; initiator opcodes are 00h–1Fh, target opcodes 20h–3Fh; 1Ch–1Eh and
    /// 3Ch–3Eh are vendor specific. Spec: RFC 7143 §11.2.1.2.
    pub enum Opcode(u8) {
        /// 00h NOP-Out.
        NopOut = 0x00,
        /// 01h SCSI Command.
        ScsiCommand = 0x01,
        /// 02h SCSI Task Management Function Request.
        TaskManagementRequest = 0x02,
        /// 03h Login Request.
        LoginRequest = 0x03,
        /// 04h Text Request.
        TextRequest = 0x04,
        /// 05h SCSI Data-Out.
        DataOut = 0x05,
        /// 06h Logout Request.
        LogoutRequest = 0x06,
        /// 10h SNACK Request.
        SnackRequest = 0x10,
        /// 20h NOP-In.
        NopIn = 0x20,
        /// 21h SCSI Response.
        ScsiResponse = 0x21,
        /// 22h SCSI Task Management Function Response.
        TaskManagementResponse = 0x22,
        /// 23h Login Response.
        LoginResponse = 0x23,
        /// 24h Text Response.
        TextResponse = 0x24,
        /// 25h SCSI Data-In.
        DataIn = 0x25,
        /// 26h Logout Response.
        LogoutResponse = 0x26,
        /// 31h Ready To Transfer (R2T).
        #[doc(alias = "R2T")]
        ReadyToTransfer = 0x31,
        /// 32h Asynchronous Message.
        AsyncMessage = 0x32,
        /// 3Fh Reject.
        Reject = 0x3f,
    }
}

enum_with_unknown! {
    /// Login stage, carried in the CSG and NSG fields of Login Request/Response byte 1.
    ///
    /// Shape: 2 bits (CSG bits 3–2, NSG bits 1–0); value 2 is reserved. Spec: RFC 7143 §11.12.3.
    pub enum LoginStage(u8) {
        /// 0: SecurityNegotiation.
        SecurityNegotiation = 0,
        /// 1: LoginOperationalNegotiation.
        LoginOperationalNegotiation = 1,
        /// 3: FullFeaturePhase.
        FullFeaturePhase = 3,
    }
}

enum_with_unknown! {
    /// Task attribute (ATTR) of a SCSI Command, byte 1 bits 2–0.
    ///
    /// Shape: 3 bits; 5–7 reserved. Spec: RFC 7143 §11.3.
    pub enum TaskAttribute(u8) {
        /// 0: Untagged.
        Untagged = 0,
        /// 1: Simple.
        Simple = 1,
        /// 2: Ordered.
        Ordered = 2,
        /// 3: Head of queue.
        HeadOfQueue = 3,
        /// 4: ACA.
        Aca = 4,
    }
}

enum_with_unknown! {
    /// SCSI Response "Response" field (byte 2): did the target complete the command?
    ///
    /// Shape: 1 byte; 80h–FFh vendor specific. Spec: RFC 7143 §11.4.
    pub enum ScsiResponseCode(u8) {
        /// 00h: Command Completed at Target (the Status byte is valid).
        CommandCompletedAtTarget = 0x00,
        /// 01h: Target Failure.
        TargetFailure = 0x01,
    }
}

enum_with_unknown! {
    /// Task management function code (Task Management Function Request byte 1 bits 6–0).
    ///
    /// Shape: 7 bits. Spec: RFC 7143 §11.5.1.
    pub enum TaskManagementFunction(u8) {
        /// 1: ABORT TASK.
        AbortTask = 1,
        /// 2: ABORT TASK SET.
        AbortTaskSet = 2,
        /// 3: CLEAR ACA.
        ClearAca = 3,
        /// 4: CLEAR TASK SET.
        ClearTaskSet = 4,
        /// 5: LOGICAL UNIT RESET.
        LogicalUnitReset = 5,
        /// 6: TARGET WARM RESET.
        TargetWarmReset = 6,
        /// 7: TARGET COLD RESET.
        TargetColdReset = 7,
        /// 8: TASK REASSIGN.
        TaskReassign = 8,
    }
}

enum_with_unknown! {
    /// Task Management Function Response "Response" field (byte 2).
    ///
    /// Shape: 1 byte. Spec: RFC 7143 §11.6.1.
    pub enum TaskManagementResponseCode(u8) {
        /// 0: Function complete.
        FunctionComplete = 0,
        /// 1: Task does not exist.
        TaskDoesNotExist = 1,
        /// 2: LUN does not exist.
        LunDoesNotExist = 2,
        /// 3: Task still allegiant.
        TaskStillAllegiant = 3,
        /// 4: Task allegiance reassignment not supported.
        AllegianceReassignmentNotSupported = 4,
        /// 5: Task management function not supported.
        FunctionNotSupported = 5,
        /// 6: Function authorization failed.
        FunctionAuthorizationFailed = 6,
        /// 255: Function rejected.
        FunctionRejected = 255,
    }
}

enum_with_unknown! {
    /// Logout Request reason code (byte 1 bits 6–0).
    ///
    /// Shape: 7 bits. Spec: RFC 7143 §11.14.1.
    pub enum LogoutReason(u8) {
        /// 0: close the session.
        CloseSession = 0,
        /// 1: close the connection.
        CloseConnection = 1,
        /// 2: remove the connection for recovery.
        RemoveConnectionForRecovery = 2,
    }
}

enum_with_unknown! {
    /// Logout Response "Response" field (byte 2).
    ///
    /// Shape: 1 byte. Spec: RFC 7143 §11.15.1.
    pub enum LogoutResponseCode(u8) {
        /// 0: connection or session closed successfully.
        Closed = 0,
        /// 1: CID not found.
        CidNotFound = 1,
        /// 2: connection recovery is not supported.
        ConnectionRecoveryNotSupported = 2,
        /// 3: cleanup failed for various reasons.
        CleanupFailed = 3,
    }
}

enum_with_unknown! {
    /// Reject reason (Reject byte 2).
    ///
    /// Shape: 1 byte. Spec: RFC 7143 §11.17.1.
    pub enum RejectReason(u8) {
        /// 02h: data (payload) digest error.
        DataDigestError = 0x02,
        /// 03h: SNACK Reject.
        SnackReject = 0x03,
        /// 04h: protocol error.
        ProtocolError = 0x04,
        /// 05h: command not supported.
        CommandNotSupported = 0x05,
        /// 06h: immediate command reject (too many immediate commands).
        ImmediateCommandReject = 0x06,
        /// 07h: task in progress.
        TaskInProgress = 0x07,
        /// 08h: invalid data ack.
        InvalidDataAck = 0x08,
        /// 09h: invalid PDU field.
        InvalidPduField = 0x09,
        /// 0Ah: long operation reject (out of resources to generate a TTT).
        LongOperationReject = 0x0a,
        /// 0Bh: deprecated (formerly negotiation reset).
        NegotiationReset = 0x0b,
        /// 0Ch: waiting for logout.
        WaitingForLogout = 0x0c,
    }
}

enum_with_unknown! {
    /// Asynchronous Message event code (AsyncEvent, byte 36).
    ///
    /// Shape: 1 byte; 255 vendor specific. Spec: RFC 7143 §11.9.1.
    pub enum AsyncEvent(u8) {
        /// 0: a SCSI asynchronous event, reported in the sense data.
        ScsiAsyncEvent = 0,
        /// 1: the target requests a logout (Parameter3 = time to logout, seconds).
        LogoutRequested = 1,
        /// 2: the target will drop this connection (Parameter1 = CID).
        ConnectionDropNotice = 2,
        /// 3: the target will drop all connections of the session.
        SessionDropNotice = 3,
        /// 4: the target requests parameter negotiation (Text Request expected).
        NegotiationRequested = 4,
        /// 255: vendor-specific event (AsyncVCode).
        VendorSpecific = 255,
    }
}

enum_with_unknown! {
    /// SNACK Request type (byte 1 bits 3–0).
    ///
    /// Shape: 4 bits. Spec: RFC 7143 §11.16.1.
    pub enum SnackType(u8) {
        /// 0: Data/R2T SNACK.
        DataR2t = 0,
        /// 1: Status SNACK.
        Status = 1,
        /// 2: DataACK.
        DataAck = 2,
        /// 3: R-Data SNACK.
        RData = 3,
    }
}

enum_with_unknown! {
    /// Additional Header Segment type (AHSType, AHS byte 2, bits 5–0; bits 7–6 are 0).
    ///
    /// Shape: 1 byte; 3–59 reserved, 60–63 vendor specific. Spec: RFC 7143 §11.2.2.
    pub enum AhsType(u8) {
        /// 1: Extended CDB.
        ExtendedCdb = 1,
        /// 2: Bidirectional Read Expected Data Transfer Length.
        BidirectionalReadLength = 2,
    }
}

enum_with_unknown! {
    /// Login Response Status-Class (byte 36).
    ///
    /// Shape: 1 byte. Spec: RFC 7143 §11.13.5.
    pub enum StatusClass(u8) {
        /// 0: success.
        Success = 0,
        /// 1: redirection (TargetAddress in the text).
        Redirection = 1,
        /// 2: initiator error (do not retry without changes).
        InitiatorError = 2,
        /// 3: target error (may retry).
        TargetError = 3,
    }
}
