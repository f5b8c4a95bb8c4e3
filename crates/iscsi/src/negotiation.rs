//! Text-mode negotiation of the login and operational keys, as pure state for either side.
//!
//! The [`Negotiator`] keeps what this side offered and what the peer sent. Feed it the peer's
//! pairs with [`Negotiator::respond`]: each pair is either the answer to one of our offers
//! (checked against the key's result function) or a new offer from the peer (answered with the
//! result function applied to the offered value and our configured value). Ask for our own
//! offers with [`Negotiator::offer`]. When [`Negotiator::is_complete`] the results are in
//! [`Negotiator::finish`].
//!
//! Result functions (RFC 7143 §6.2.2 and the key definitions in §13):
//!
//! | key | kind | result |
//! |---|---|---|
//! | HeaderDigest, DataDigest, AuthMethod | list | first offered value the responder supports |
//! | MaxConnections, MaxBurstLength, FirstBurstLength, DefaultTime2Retain, MaxOutstandingR2T, ErrorRecoveryLevel | number | Minimum |
//! | DefaultTime2Wait | number | Maximum |
//! | InitialR2T, DataPDUInOrder, DataSequenceInOrder | boolean | OR |
//! | ImmediateData | boolean | AND |
//! | MaxRecvDataSegmentLength, InitiatorName, TargetName, InitiatorAlias, TargetAlias, TargetAddress, TargetPortalGroupTag, SessionType | declarative | the sender's value |
//!
//! Invariants: no IO, no clock; `CHAP_*` and `SendTargets` keys are left to [`crate::chap`] and
//! [`crate::send_targets`] (skipped here); a key the peer sends twice is an error; a key this
//! side does not know is answered `NotUnderstood`; an offered value outside the key's range or
//! syntax is answered `Reject`; in a discovery session the normal-session-only keys are answered
//! `Irrelevant`.

use std::collections::HashSet;

use crate::digest::Digests;
use crate::enums::LoginStage;
use crate::text::{emit_boolean, parse_boolean, parse_list, parse_number, TextParameters};

/// Which end of the connection this negotiator speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The initiator.
    Initiator,
    /// The target.
    Target,
}

impl Role {
    fn peer(self) -> Role {
        match self {
            Role::Initiator => Role::Target,
            Role::Target => Role::Initiator,
        }
    }
}

/// A digest algorithm name (HeaderDigest/DataDigest values). Spec: RFC 7143 §13.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestKind {
    /// `None`.
    None,
    /// `CRC32C`.
    Crc32c,
}

impl DigestKind {
    /// The key value.
    pub fn name(self) -> &'static str {
        match self {
            DigestKind::None => "None",
            DigestKind::Crc32c => "CRC32C",
        }
    }

    fn from_name(s: &str) -> Option<DigestKind> {
        match s {
            "None" => Some(DigestKind::None),
            "CRC32C" => Some(DigestKind::Crc32c),
            _ => None,
        }
    }
}

/// An authentication method this crate implements (AuthMethod values). Spec: RFC 7143 §12.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    /// `None`.
    None,
    /// `CHAP` (see [`crate::chap`]).
    Chap,
}

impl AuthMethod {
    /// The key value.
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::None => "None",
            AuthMethod::Chap => "CHAP",
        }
    }

    fn from_name(s: &str) -> Option<AuthMethod> {
        match s {
            "None" => Some(AuthMethod::None),
            "CHAP" => Some(AuthMethod::Chap),
            _ => None,
        }
    }
}

/// SessionType values. Spec: RFC 7143 §13.21.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SessionType {
    /// `Normal` (the default).
    #[default]
    Normal,
    /// `Discovery`: SendTargets only.
    Discovery,
}

impl SessionType {
    /// The key value.
    pub fn name(self) -> &'static str {
        match self {
            SessionType::Normal => "Normal",
            SessionType::Discovery => "Discovery",
        }
    }
}

/// The keys the negotiator handles.
///
/// Spec: RFC 7143 §13 (each key's subsection is in [`Key::section`]), §12.1 for AuthMethod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// HeaderDigest (list).
    HeaderDigest,
    /// DataDigest (list).
    DataDigest,
    /// AuthMethod (list).
    AuthMethod,
    /// MaxConnections (Minimum, 1–65535).
    MaxConnections,
    /// TargetName (declarative, initiator).
    TargetName,
    /// InitiatorName (declarative, initiator).
    InitiatorName,
    /// TargetAlias (declarative, target).
    TargetAlias,
    /// InitiatorAlias (declarative, initiator).
    InitiatorAlias,
    /// TargetAddress (declarative, target).
    TargetAddress,
    /// TargetPortalGroupTag (declarative, target, 0–65535).
    TargetPortalGroupTag,
    /// InitialR2T (OR).
    InitialR2t,
    /// ImmediateData (AND).
    ImmediateData,
    /// MaxRecvDataSegmentLength (declarative, 512–2²⁴−1).
    MaxRecvDataSegmentLength,
    /// MaxBurstLength (Minimum, 512–2²⁴−1).
    MaxBurstLength,
    /// FirstBurstLength (Minimum, 512–2²⁴−1).
    FirstBurstLength,
    /// DefaultTime2Wait (Maximum, 0–3600 s).
    DefaultTime2Wait,
    /// DefaultTime2Retain (Minimum, 0–3600 s).
    DefaultTime2Retain,
    /// MaxOutstandingR2T (Minimum, 1–65535).
    MaxOutstandingR2t,
    /// DataPDUInOrder (OR).
    DataPduInOrder,
    /// DataSequenceInOrder (OR).
    DataSequenceInOrder,
    /// ErrorRecoveryLevel (Minimum, 0–2).
    ErrorRecoveryLevel,
    /// SessionType (declarative, initiator).
    SessionType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    List,
    Minimum(u64, u64),
    Maximum(u64, u64),
    Or,
    And,
    Declarative(Option<Role>),
}

const MAX_24: u64 = (1 << 24) - 1;

impl Key {
    /// Every key, in the order offers are emitted.
    pub const ALL: [Key; 22] = [
        Key::InitiatorName,
        Key::InitiatorAlias,
        Key::SessionType,
        Key::TargetName,
        Key::TargetAlias,
        Key::TargetPortalGroupTag,
        Key::TargetAddress,
        Key::AuthMethod,
        Key::HeaderDigest,
        Key::DataDigest,
        Key::MaxConnections,
        Key::InitialR2t,
        Key::ImmediateData,
        Key::MaxRecvDataSegmentLength,
        Key::MaxBurstLength,
        Key::FirstBurstLength,
        Key::DefaultTime2Wait,
        Key::DefaultTime2Retain,
        Key::MaxOutstandingR2t,
        Key::DataPduInOrder,
        Key::DataSequenceInOrder,
        Key::ErrorRecoveryLevel,
    ];

    /// The key name as sent.
    pub fn name(self) -> &'static str {
        match self {
            Key::HeaderDigest => "HeaderDigest",
            Key::DataDigest => "DataDigest",
            Key::AuthMethod => "AuthMethod",
            Key::MaxConnections => "MaxConnections",
            Key::TargetName => "TargetName",
            Key::InitiatorName => "InitiatorName",
            Key::TargetAlias => "TargetAlias",
            Key::InitiatorAlias => "InitiatorAlias",
            Key::TargetAddress => "TargetAddress",
            Key::TargetPortalGroupTag => "TargetPortalGroupTag",
            Key::InitialR2t => "InitialR2T",
            Key::ImmediateData => "ImmediateData",
            Key::MaxRecvDataSegmentLength => "MaxRecvDataSegmentLength",
            Key::MaxBurstLength => "MaxBurstLength",
            Key::FirstBurstLength => "FirstBurstLength",
            Key::DefaultTime2Wait => "DefaultTime2Wait",
            Key::DefaultTime2Retain => "DefaultTime2Retain",
            Key::MaxOutstandingR2t => "MaxOutstandingR2T",
            Key::DataPduInOrder => "DataPDUInOrder",
            Key::DataSequenceInOrder => "DataSequenceInOrder",
            Key::ErrorRecoveryLevel => "ErrorRecoveryLevel",
            Key::SessionType => "SessionType",
        }
    }

    /// The key for a name (case sensitive).
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The RFC 7143 section defining the key.
    pub fn section(self) -> &'static str {
        match self {
            Key::HeaderDigest | Key::DataDigest => "§13.1",
            Key::AuthMethod => "§12.1",
            Key::MaxConnections => "§13.2",
            Key::TargetName => "§13.4",
            Key::InitiatorName => "§13.5",
            Key::TargetAlias => "§13.6",
            Key::InitiatorAlias => "§13.7",
            Key::TargetAddress => "§13.8",
            Key::TargetPortalGroupTag => "§13.9",
            Key::InitialR2t => "§13.10",
            Key::ImmediateData => "§13.11",
            Key::MaxRecvDataSegmentLength => "§13.12",
            Key::MaxBurstLength => "§13.13",
            Key::FirstBurstLength => "§13.14",
            Key::DefaultTime2Wait => "§13.15",
            Key::DefaultTime2Retain => "§13.16",
            Key::MaxOutstandingR2t => "§13.17",
            Key::DataPduInOrder => "§13.18",
            Key::DataSequenceInOrder => "§13.19",
            Key::ErrorRecoveryLevel => "§13.20",
            Key::SessionType => "§13.21",
        }
    }

    fn kind(self) -> Kind {
        match self {
            Key::HeaderDigest | Key::DataDigest | Key::AuthMethod => Kind::List,
            Key::MaxConnections | Key::MaxOutstandingR2t => Kind::Minimum(1, 65535),
            Key::MaxBurstLength | Key::FirstBurstLength => Kind::Minimum(512, MAX_24),
            Key::DefaultTime2Retain => Kind::Minimum(0, 3600),
            Key::ErrorRecoveryLevel => Kind::Minimum(0, 2),
            Key::DefaultTime2Wait => Kind::Maximum(0, 3600),
            Key::InitialR2t | Key::DataPduInOrder | Key::DataSequenceInOrder => Kind::Or,
            Key::ImmediateData => Kind::And,
            Key::MaxRecvDataSegmentLength => Kind::Declarative(None),
            Key::TargetName | Key::InitiatorName | Key::InitiatorAlias | Key::SessionType => {
                Kind::Declarative(Some(Role::Initiator))
            }
            Key::TargetAlias | Key::TargetAddress | Key::TargetPortalGroupTag => {
                Kind::Declarative(Some(Role::Target))
            }
        }
    }

    /// True for the keys RFC 7143 marks "Irrelevant when: SessionType=Discovery".
    pub fn irrelevant_in_discovery(self) -> bool {
        matches!(
            self,
            Key::MaxConnections
                | Key::InitialR2t
                | Key::ImmediateData
                | Key::MaxBurstLength
                | Key::FirstBurstLength
                | Key::MaxOutstandingR2t
                | Key::DataPduInOrder
                | Key::DataSequenceInOrder
        )
    }
}

/// The Minimum result function (MaxBurstLength, MaxConnections, …). Spec: RFC 7143 §6.2.2.
pub fn result_minimum(offered: u64, own: u64) -> u64 {
    offered.min(own)
}

/// The Maximum result function (DefaultTime2Wait). Spec: RFC 7143 §6.2.2.
pub fn result_maximum(offered: u64, own: u64) -> u64 {
    offered.max(own)
}

/// The OR result function (InitialR2T, DataPDUInOrder, DataSequenceInOrder).
/// Spec: RFC 7143 §6.2.2.
pub fn result_or(offered: bool, own: bool) -> bool {
    offered || own
}

/// The AND result function (ImmediateData). Spec: RFC 7143 §6.2.2.
pub fn result_and(offered: bool, own: bool) -> bool {
    offered && own
}

/// List selection: the first offered value the responder supports, or `None` (answer
/// `Reject`). Spec: RFC 7143 §6.2.1.
pub fn select_from_list<'a>(offered: &[&'a str], supported: &[&str]) -> Option<&'a str> {
    offered.iter().copied().find(|o| supported.contains(o))
}

/// What this side wants or supports. [`Default`] holds the RFC 7143 §13 defaults, digests
/// `None` only, AuthMethod `None` only, and no names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiationConfig {
    /// HeaderDigest values we accept, in our order of preference.
    pub header_digests: Vec<DigestKind>,
    /// DataDigest values we accept, in our order of preference.
    pub data_digests: Vec<DigestKind>,
    /// AuthMethod values we accept, in our order of preference.
    pub auth_methods: Vec<AuthMethod>,
    /// MaxConnections we support.
    pub max_connections: u16,
    /// InitialR2T we want.
    pub initial_r2t: bool,
    /// ImmediateData we want.
    pub immediate_data: bool,
    /// MaxRecvDataSegmentLength we declare (bytes we can receive in one data segment).
    pub max_recv_data_segment_length: u32,
    /// MaxBurstLength we want, bytes.
    pub max_burst_length: u32,
    /// FirstBurstLength we want, bytes.
    pub first_burst_length: u32,
    /// DefaultTime2Wait, seconds.
    pub default_time2wait_s: u16,
    /// DefaultTime2Retain, seconds.
    pub default_time2retain_s: u16,
    /// MaxOutstandingR2T we want.
    pub max_outstanding_r2t: u16,
    /// DataPDUInOrder we want.
    pub data_pdu_in_order: bool,
    /// DataSequenceInOrder we want.
    pub data_sequence_in_order: bool,
    /// ErrorRecoveryLevel we support.
    pub error_recovery_level: u8,
    /// SessionType (initiator side).
    pub session_type: SessionType,
    /// InitiatorName (initiator side; required).
    pub initiator_name: Option<String>,
    /// InitiatorAlias (initiator side).
    pub initiator_alias: Option<String>,
    /// TargetName (initiator side; required for a normal session).
    pub target_name: Option<String>,
    /// TargetAlias (target side).
    pub target_alias: Option<String>,
    /// TargetPortalGroupTag (target side).
    pub target_portal_group_tag: Option<u16>,
}

impl Default for NegotiationConfig {
    fn default() -> Self {
        let d = NegotiatedParameters::default();
        NegotiationConfig {
            header_digests: vec![DigestKind::None],
            data_digests: vec![DigestKind::None],
            auth_methods: vec![AuthMethod::None],
            max_connections: d.max_connections,
            initial_r2t: d.initial_r2t,
            immediate_data: d.immediate_data,
            max_recv_data_segment_length: DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
            max_burst_length: d.max_burst_length,
            first_burst_length: d.first_burst_length,
            default_time2wait_s: d.default_time2wait_s,
            default_time2retain_s: d.default_time2retain_s,
            max_outstanding_r2t: d.max_outstanding_r2t,
            data_pdu_in_order: d.data_pdu_in_order,
            data_sequence_in_order: d.data_sequence_in_order,
            error_recovery_level: d.error_recovery_level,
            session_type: SessionType::Normal,
            initiator_name: None,
            initiator_alias: None,
            target_name: None,
            target_alias: None,
            target_portal_group_tag: None,
        }
    }
}

/// MaxRecvDataSegmentLength default, bytes. Spec: RFC 7143 §13.12.
pub const DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH: u32 = 8192;

/// The negotiated values. [`Default`] is the RFC 7143 §13 default of every key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedParameters {
    /// HeaderDigest.
    pub header_digest: DigestKind,
    /// DataDigest.
    pub data_digest: DigestKind,
    /// AuthMethod selected (`None` when not negotiated).
    pub auth_method: AuthMethod,
    /// MaxConnections (default 1).
    pub max_connections: u16,
    /// InitialR2T (default Yes).
    pub initial_r2t: bool,
    /// ImmediateData (default Yes).
    pub immediate_data: bool,
    /// MaxRecvDataSegmentLength the initiator declared (what the target may send), bytes.
    pub initiator_max_recv_data_segment_length: u32,
    /// MaxRecvDataSegmentLength the target declared (what the initiator may send), bytes.
    pub target_max_recv_data_segment_length: u32,
    /// MaxBurstLength (default 262144), bytes.
    pub max_burst_length: u32,
    /// FirstBurstLength (default 65536), bytes.
    pub first_burst_length: u32,
    /// DefaultTime2Wait (default 2), seconds.
    pub default_time2wait_s: u16,
    /// DefaultTime2Retain (default 20), seconds.
    pub default_time2retain_s: u16,
    /// MaxOutstandingR2T (default 1).
    pub max_outstanding_r2t: u16,
    /// DataPDUInOrder (default Yes).
    pub data_pdu_in_order: bool,
    /// DataSequenceInOrder (default Yes).
    pub data_sequence_in_order: bool,
    /// ErrorRecoveryLevel (default 0).
    pub error_recovery_level: u8,
    /// SessionType (default Normal).
    pub session_type: SessionType,
    /// InitiatorName as declared.
    pub initiator_name: Option<String>,
    /// InitiatorAlias as declared.
    pub initiator_alias: Option<String>,
    /// TargetName as declared.
    pub target_name: Option<String>,
    /// TargetAlias as declared.
    pub target_alias: Option<String>,
    /// TargetAddress as declared (redirection).
    pub target_address: Option<String>,
    /// TargetPortalGroupTag as declared.
    pub target_portal_group_tag: Option<u16>,
}

impl Default for NegotiatedParameters {
    fn default() -> Self {
        NegotiatedParameters {
            header_digest: DigestKind::None,
            data_digest: DigestKind::None,
            auth_method: AuthMethod::None,
            max_connections: 1,
            initial_r2t: true,
            immediate_data: true,
            initiator_max_recv_data_segment_length: DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
            target_max_recv_data_segment_length: DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
            max_burst_length: 262_144,
            first_burst_length: 65_536,
            default_time2wait_s: 2,
            default_time2retain_s: 20,
            max_outstanding_r2t: 1,
            data_pdu_in_order: true,
            data_sequence_in_order: true,
            error_recovery_level: 0,
            session_type: SessionType::Normal,
            initiator_name: None,
            initiator_alias: None,
            target_name: None,
            target_alias: None,
            target_address: None,
            target_portal_group_tag: None,
        }
    }
}

impl NegotiatedParameters {
    /// The digests to pass to the codec once the connection is in Full Feature Phase.
    pub fn digests(&self) -> Digests {
        Digests {
            header: self.header_digest == DigestKind::Crc32c,
            data: self.data_digest == DigestKind::Crc32c,
        }
    }

    /// The largest data segment `role` may send: the peer's declared
    /// MaxRecvDataSegmentLength, bytes.
    pub fn max_send_data_segment_length(&self, role: Role) -> u32 {
        match role {
            Role::Initiator => self.target_max_recv_data_segment_length,
            Role::Target => self.initiator_max_recv_data_segment_length,
        }
    }
}

/// Negotiation failed: the login should end (initiator error status on the target side,
/// closing the connection on the initiator side).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NegotiationError {
    /// The peer sent a key twice in one negotiation.
    #[error("key {key} sent twice")]
    Duplicate {
        /// The key.
        key: String,
    },
    /// The peer answered an offer with a value the key's result function does not allow.
    #[error("{key}: offered {offered:?}, answer {answered:?} is not admissible")]
    Inadmissible {
        /// The key.
        key: &'static str,
        /// What we offered.
        offered: String,
        /// What came back.
        answered: String,
    },
    /// `Reject`, `Irrelevant` or `NotUnderstood` for a key this side never offered.
    #[error("{key}={value} answers an offer that was never made")]
    UnexpectedAnswer {
        /// The key.
        key: String,
        /// The answer.
        value: String,
    },
    /// A declarative key from the wrong side (e.g. TargetAlias from an initiator).
    #[error("{key} may only be sent by the {allowed:?}")]
    WrongSender {
        /// The key.
        key: &'static str,
        /// The side that may send it.
        allowed: Role,
    },
    /// A declared or answered value with the wrong syntax or out of range.
    #[error("{key}={value:?}: expected {expected}")]
    InvalidValue {
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A required key never arrived.
    #[error("required key {key} is missing")]
    MissingKey {
        /// The key.
        key: &'static str,
    },
    /// Offers are still unanswered.
    #[error("negotiation incomplete: no answer for {keys:?}")]
    Incomplete {
        /// The unanswered keys.
        keys: Vec<&'static str>,
    },
    /// The results break a cross-key rule.
    #[error("negotiated values inconsistent: {reason}")]
    Inconsistent {
        /// Which rule.
        reason: &'static str,
    },
    /// Our own configuration holds a value outside a key's range.
    #[error("configuration: {key}={value} is outside {min}..={max}")]
    InvalidConfig {
        /// The key.
        key: &'static str,
        /// The configured value.
        value: u64,
        /// Range start.
        min: u64,
        /// Range end.
        max: u64,
    },
}

/// Answer values that are not offers. Spec: RFC 7143 §6.2.
const REJECT: &str = "Reject";
const IRRELEVANT: &str = "Irrelevant";
const NOT_UNDERSTOOD: &str = "NotUnderstood";

/// The text negotiation state of one side of one login (or one Text negotiation).
///
/// Spec: RFC 7143 §6.2 (negotiation rules), §13 (keys).
#[derive(Debug, Clone)]
pub struct Negotiator {
    role: Role,
    config: NegotiationConfig,
    params: NegotiatedParameters,
    /// Offers awaiting an answer: key and the value we sent.
    outstanding: Vec<(Key, String)>,
    /// Offers whose answer is optional (OR offered Yes, AND offered No).
    optional: Vec<(Key, String)>,
    /// Keys whose value is settled (negotiated, declared, or answered) in either direction.
    settled: HashSet<Key>,
    /// Keys we have put in an offer or declaration.
    sent: HashSet<Key>,
    /// Key names received from the peer.
    received: HashSet<String>,
}

impl Negotiator {
    /// A negotiator for `role` with this side's `config`.
    ///
    /// # Errors
    /// [`NegotiationError::InvalidConfig`] when a configured number is outside its key's range,
    /// [`NegotiationError::Inconsistent`] when FirstBurstLength exceeds MaxBurstLength.
    pub fn new(role: Role, config: NegotiationConfig) -> Result<Negotiator, NegotiationError> {
        let checks: [(Key, u64); 9] = [
            (Key::MaxConnections, u64::from(config.max_connections)),
            (
                Key::MaxRecvDataSegmentLength,
                u64::from(config.max_recv_data_segment_length),
            ),
            (Key::MaxBurstLength, u64::from(config.max_burst_length)),
            (Key::FirstBurstLength, u64::from(config.first_burst_length)),
            (Key::DefaultTime2Wait, u64::from(config.default_time2wait_s)),
            (
                Key::DefaultTime2Retain,
                u64::from(config.default_time2retain_s),
            ),
            (
                Key::MaxOutstandingR2t,
                u64::from(config.max_outstanding_r2t),
            ),
            (
                Key::ErrorRecoveryLevel,
                u64::from(config.error_recovery_level),
            ),
            (
                Key::TargetPortalGroupTag,
                u64::from(config.target_portal_group_tag.unwrap_or(0)),
            ),
        ];
        for (key, value) in checks {
            let (min, max) = range(key);
            if value < min || value > max {
                return Err(NegotiationError::InvalidConfig {
                    key: key.name(),
                    value,
                    min,
                    max,
                });
            }
        }
        if config.first_burst_length > config.max_burst_length {
            return Err(NegotiationError::Inconsistent {
                reason: "FirstBurstLength exceeds MaxBurstLength",
            });
        }
        let mut params = NegotiatedParameters::default();
        match role {
            Role::Initiator => {
                params.session_type = config.session_type;
                params.initiator_max_recv_data_segment_length = config.max_recv_data_segment_length;
            }
            Role::Target => {
                params.target_max_recv_data_segment_length = config.max_recv_data_segment_length;
            }
        }
        Ok(Negotiator {
            role,
            config,
            params,
            outstanding: Vec::new(),
            optional: Vec::new(),
            settled: HashSet::new(),
            sent: HashSet::new(),
            received: HashSet::new(),
        })
    }

    /// The role this negotiator speaks for.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The values so far (defaults where nothing was negotiated).
    pub fn parameters(&self) -> &NegotiatedParameters {
        &self.params
    }

    /// True when no offer of ours awaits an answer.
    pub fn is_complete(&self) -> bool {
        self.outstanding.is_empty()
    }

    /// The offers of ours still awaiting an answer.
    pub fn outstanding_keys(&self) -> Vec<&'static str> {
        self.outstanding.iter().map(|(k, _)| k.name()).collect()
    }

    /// Our offers and declarations for `stage` that have not been sent or settled yet.
    ///
    /// Initiator, SecurityNegotiation: InitiatorName, InitiatorAlias, SessionType, TargetName
    /// (normal session), AuthMethod. Initiator, other stages: the same identity keys if not sent
    /// yet, then HeaderDigest, DataDigest, MaxRecvDataSegmentLength and every operational key
    /// relevant to the session type. Target: TargetAlias and TargetPortalGroupTag, and outside
    /// the security stage MaxRecvDataSegmentLength plus each negotiable key whose configured
    /// value differs from the RFC default.
    pub fn offer(&mut self, stage: LoginStage) -> TextParameters {
        let mut out = TextParameters::new();
        let security = stage == LoginStage::SecurityNegotiation;
        for key in Key::ALL {
            let declarative = matches!(key.kind(), Kind::Declarative(_));
            if self.sent.contains(&key) || (!declarative && self.settled.contains(&key)) {
                continue;
            }
            if self.params.session_type == SessionType::Discovery && key.irrelevant_in_discovery() {
                continue;
            }
            let Some(value) = self.own_offer(key, security) else {
                continue;
            };
            out.push(key.name(), value.clone());
            self.sent.insert(key);
            match key.kind() {
                Kind::Declarative(_) => {
                    // Our own MaxRecvDataSegmentLength is recorded in `new`; `apply` records
                    // that key as the peer's.
                    if key != Key::MaxRecvDataSegmentLength {
                        self.apply(key, &value);
                    }
                    self.settled.insert(key);
                }
                Kind::Or if value == "Yes" => self.settle_optional(key, value),
                Kind::And if value == "No" => self.settle_optional(key, value),
                _ => self.outstanding.push((key, value)),
            }
        }
        out
    }

    fn settle_optional(&mut self, key: Key, value: String) {
        self.apply(key, &value);
        self.settled.insert(key);
        self.optional.push((key, value));
    }

    /// Our value for `key`, if this side offers it in this stage.
    fn own_offer(&self, key: Key, security: bool) -> Option<String> {
        let c = &self.config;
        let d = NegotiatedParameters::default();
        let initiator = self.role == Role::Initiator;
        let identity = match key {
            Key::InitiatorName if initiator => Some(c.initiator_name.clone()?),
            Key::InitiatorAlias if initiator => Some(c.initiator_alias.clone()?),
            Key::SessionType if initiator => Some(c.session_type.name().to_string()),
            Key::TargetName if initiator && c.session_type == SessionType::Normal => {
                Some(c.target_name.clone()?)
            }
            Key::TargetAlias if !initiator => Some(c.target_alias.clone()?),
            Key::TargetPortalGroupTag if !initiator => Some(c.target_portal_group_tag?.to_string()),
            Key::InitiatorName
            | Key::InitiatorAlias
            | Key::SessionType
            | Key::TargetName
            | Key::TargetAlias
            | Key::TargetPortalGroupTag
            | Key::TargetAddress => return None,
            _ => None,
        };
        if identity.is_some() {
            return identity;
        }
        if key == Key::AuthMethod {
            return (initiator && security).then(|| join(c.auth_methods.iter().map(|m| m.name())));
        }
        if security {
            return None;
        }
        let number = |v: u64, default: u64| (initiator || v != default).then(|| v.to_string());
        let boolean = |v: bool, default: bool| {
            (initiator || v != default).then(|| emit_boolean(v).to_string())
        };
        let digests = |list: &[DigestKind]| {
            (initiator || list != [DigestKind::None]).then(|| join(list.iter().map(|k| k.name())))
        };
        match key {
            Key::HeaderDigest => digests(&c.header_digests),
            Key::DataDigest => digests(&c.data_digests),
            Key::MaxRecvDataSegmentLength => Some(c.max_recv_data_segment_length.to_string()),
            Key::MaxConnections => number(c.max_connections.into(), d.max_connections.into()),
            Key::InitialR2t => boolean(c.initial_r2t, d.initial_r2t),
            Key::ImmediateData => boolean(c.immediate_data, d.immediate_data),
            Key::MaxBurstLength => number(c.max_burst_length.into(), d.max_burst_length.into()),
            Key::FirstBurstLength => {
                number(c.first_burst_length.into(), d.first_burst_length.into())
            }
            Key::DefaultTime2Wait => {
                number(c.default_time2wait_s.into(), d.default_time2wait_s.into())
            }
            Key::DefaultTime2Retain => number(
                c.default_time2retain_s.into(),
                d.default_time2retain_s.into(),
            ),
            Key::MaxOutstandingR2t => {
                number(c.max_outstanding_r2t.into(), d.max_outstanding_r2t.into())
            }
            Key::DataPduInOrder => boolean(c.data_pdu_in_order, d.data_pdu_in_order),
            Key::DataSequenceInOrder => boolean(c.data_sequence_in_order, d.data_sequence_in_order),
            Key::ErrorRecoveryLevel => {
                number(c.error_recovery_level.into(), d.error_recovery_level.into())
            }
            _ => None,
        }
    }

    /// Processes the peer's pairs and returns our answers to its offers.
    ///
    /// Pairs whose key starts with `CHAP_`, and `SendTargets`, are skipped (handled by
    /// [`crate::chap`] and [`crate::send_targets`]). Spec: RFC 7143 §6.2.
    ///
    /// # Errors
    /// [`NegotiationError`] for a duplicate key, an inadmissible answer, an answer-only value
    /// for a key never offered, a declarative key from the wrong side, or a malformed declared
    /// or answered value.
    pub fn respond(
        &mut self,
        received: &TextParameters,
    ) -> Result<TextParameters, NegotiationError> {
        let mut reply = TextParameters::new();
        for (name, value) in received.iter() {
            if name.starts_with("CHAP_") || name == "SendTargets" {
                continue;
            }
            if !self.received.insert(name.to_string()) {
                return Err(NegotiationError::Duplicate {
                    key: name.to_string(),
                });
            }
            let Some(key) = Key::from_name(name) else {
                reply.push(name, NOT_UNDERSTOOD);
                continue;
            };
            if let Some(i) = self.outstanding.iter().position(|(k, _)| *k == key) {
                let (_, offered) = self.outstanding.remove(i);
                self.take_answer(key, &offered, value)?;
                continue;
            }
            if let Some(i) = self.optional.iter().position(|(k, _)| *k == key) {
                let (_, offered) = self.optional.remove(i);
                self.take_answer(key, &offered, value)?;
                continue;
            }
            if matches!(value, REJECT | IRRELEVANT | NOT_UNDERSTOOD) {
                return Err(NegotiationError::UnexpectedAnswer {
                    key: name.to_string(),
                    value: value.to_string(),
                });
            }
            if let Some(answer) = self.take_offer(key, value)? {
                reply.push(name, answer);
            }
        }
        Ok(reply)
    }

    /// The peer's answer to our offer of `key`.
    fn take_answer(
        &mut self,
        key: Key,
        offered: &str,
        answer: &str,
    ) -> Result<(), NegotiationError> {
        self.settled.insert(key);
        if matches!(answer, REJECT | IRRELEVANT | NOT_UNDERSTOOD) {
            // The key keeps its current (default) value.
            return Ok(());
        }
        let inadmissible = || NegotiationError::Inadmissible {
            key: key.name(),
            offered: offered.to_string(),
            answered: answer.to_string(),
        };
        let admissible = match key.kind() {
            Kind::List => parse_list(offered).contains(&answer),
            Kind::Minimum(lo, hi) => {
                let a = self.answer_number(key, answer)?;
                let o = parse_number(offered).map_err(|_| inadmissible())?;
                (lo..=hi).contains(&a) && a <= o
            }
            Kind::Maximum(lo, hi) => {
                let a = self.answer_number(key, answer)?;
                let o = parse_number(offered).map_err(|_| inadmissible())?;
                (lo..=hi).contains(&a) && a >= o
            }
            Kind::Or => {
                let a = self.answer_boolean(key, answer)?;
                a || offered == "No"
            }
            Kind::And => {
                let a = self.answer_boolean(key, answer)?;
                !a || offered == "Yes"
            }
            Kind::Declarative(_) => true,
        };
        if !admissible {
            return Err(inadmissible());
        }
        self.apply(key, answer);
        Ok(())
    }

    fn answer_number(&self, key: Key, value: &str) -> Result<u64, NegotiationError> {
        parse_number(value).map_err(|_| NegotiationError::InvalidValue {
            key: key.name(),
            value: value.to_string(),
            expected: "a number",
        })
    }

    fn answer_boolean(&self, key: Key, value: &str) -> Result<bool, NegotiationError> {
        parse_boolean(value).map_err(|_| NegotiationError::InvalidValue {
            key: key.name(),
            value: value.to_string(),
            expected: "Yes or No",
        })
    }

    /// A new offer (or declaration) from the peer; returns our answer, if one is sent.
    fn take_offer(&mut self, key: Key, value: &str) -> Result<Option<String>, NegotiationError> {
        let c = &self.config;
        if let Kind::Declarative(sender) = key.kind() {
            if let Some(allowed) = sender {
                if allowed != self.role.peer() {
                    return Err(NegotiationError::WrongSender {
                        key: key.name(),
                        allowed,
                    });
                }
            }
            self.check_declared(key, value)?;
            self.settled.insert(key);
            self.apply(key, value);
            return Ok(None);
        }
        self.settled.insert(key);
        if self.params.session_type == SessionType::Discovery && key.irrelevant_in_discovery() {
            return Ok(Some(IRRELEVANT.to_string()));
        }
        let answer = match key.kind() {
            Kind::List => {
                let offered = parse_list(value);
                let supported: Vec<&str> = match key {
                    Key::HeaderDigest => c.header_digests.iter().map(|d| d.name()).collect(),
                    Key::DataDigest => c.data_digests.iter().map(|d| d.name()).collect(),
                    _ => c.auth_methods.iter().map(|m| m.name()).collect(),
                };
                match select_from_list(&offered, &supported) {
                    Some(v) => v.to_string(),
                    None => return Ok(Some(REJECT.to_string())),
                }
            }
            Kind::Minimum(lo, hi) | Kind::Maximum(lo, hi) => {
                let Ok(offered) = parse_number(value) else {
                    return Ok(Some(REJECT.to_string()));
                };
                if !(lo..=hi).contains(&offered) {
                    return Ok(Some(REJECT.to_string()));
                }
                let own = self.own_number(key);
                let result = if matches!(key.kind(), Kind::Minimum(..)) {
                    result_minimum(offered, own)
                } else {
                    result_maximum(offered, own)
                };
                result.to_string()
            }
            Kind::Or | Kind::And => {
                let Ok(offered) = parse_boolean(value) else {
                    return Ok(Some(REJECT.to_string()));
                };
                let own = self.own_boolean(key);
                let result = if key.kind() == Kind::Or {
                    result_or(offered, own)
                } else {
                    result_and(offered, own)
                };
                emit_boolean(result).to_string()
            }
            Kind::Declarative(_) => return Ok(None),
        };
        self.apply(key, &answer);
        Ok(Some(answer))
    }

    fn check_declared(&self, key: Key, value: &str) -> Result<(), NegotiationError> {
        let invalid = |expected| NegotiationError::InvalidValue {
            key: key.name(),
            value: value.to_string(),
            expected,
        };
        match key {
            Key::MaxRecvDataSegmentLength | Key::TargetPortalGroupTag => {
                let (lo, hi) = range(key);
                let n = parse_number(value).map_err(|_| invalid("a number"))?;
                if !(lo..=hi).contains(&n) {
                    return Err(invalid(if key == Key::TargetPortalGroupTag {
                        "0..=65535"
                    } else {
                        "512..=16777215"
                    }));
                }
            }
            Key::SessionType => {
                if value != "Normal" && value != "Discovery" {
                    return Err(invalid("Normal or Discovery"));
                }
            }
            _ => {
                if value.is_empty() && matches!(key, Key::InitiatorName | Key::TargetName) {
                    return Err(invalid("a non-empty iSCSI name"));
                }
            }
        }
        Ok(())
    }

    fn own_number(&self, key: Key) -> u64 {
        let c = &self.config;
        match key {
            Key::MaxConnections => c.max_connections.into(),
            Key::MaxBurstLength => c.max_burst_length.into(),
            Key::FirstBurstLength => c.first_burst_length.into(),
            Key::DefaultTime2Wait => c.default_time2wait_s.into(),
            Key::DefaultTime2Retain => c.default_time2retain_s.into(),
            Key::MaxOutstandingR2t => c.max_outstanding_r2t.into(),
            Key::ErrorRecoveryLevel => c.error_recovery_level.into(),
            _ => 0,
        }
    }

    fn own_boolean(&self, key: Key) -> bool {
        let c = &self.config;
        match key {
            Key::InitialR2t => c.initial_r2t,
            Key::ImmediateData => c.immediate_data,
            Key::DataPduInOrder => c.data_pdu_in_order,
            Key::DataSequenceInOrder => c.data_sequence_in_order,
            _ => false,
        }
    }

    /// Records a settled value (already validated).
    fn apply(&mut self, key: Key, value: &str) {
        let p = &mut self.params;
        let n = parse_number(value).ok();
        let b = parse_boolean(value).ok();
        let n16 = n.and_then(|n| u16::try_from(n).ok());
        let n32 = n.and_then(|n| u32::try_from(n).ok());
        match key {
            Key::HeaderDigest => {
                if let Some(d) = DigestKind::from_name(value) {
                    p.header_digest = d;
                }
            }
            Key::DataDigest => {
                if let Some(d) = DigestKind::from_name(value) {
                    p.data_digest = d;
                }
            }
            Key::AuthMethod => {
                if let Some(m) = AuthMethod::from_name(value) {
                    p.auth_method = m;
                }
            }
            Key::MaxConnections => p.max_connections = n16.unwrap_or(p.max_connections),
            Key::TargetName => p.target_name = Some(value.to_string()),
            Key::InitiatorName => p.initiator_name = Some(value.to_string()),
            Key::TargetAlias => p.target_alias = Some(value.to_string()),
            Key::InitiatorAlias => p.initiator_alias = Some(value.to_string()),
            Key::TargetAddress => p.target_address = Some(value.to_string()),
            Key::TargetPortalGroupTag => p.target_portal_group_tag = n16,
            Key::InitialR2t => p.initial_r2t = b.unwrap_or(p.initial_r2t),
            Key::ImmediateData => p.immediate_data = b.unwrap_or(p.immediate_data),
            Key::MaxRecvDataSegmentLength => {
                // Declared by whoever sent it: our own declaration is recorded in `new`.
                if let Some(n) = n32 {
                    match self.role {
                        Role::Initiator => p.target_max_recv_data_segment_length = n,
                        Role::Target => p.initiator_max_recv_data_segment_length = n,
                    }
                }
            }
            Key::MaxBurstLength => p.max_burst_length = n32.unwrap_or(p.max_burst_length),
            Key::FirstBurstLength => p.first_burst_length = n32.unwrap_or(p.first_burst_length),
            Key::DefaultTime2Wait => p.default_time2wait_s = n16.unwrap_or(p.default_time2wait_s),
            Key::DefaultTime2Retain => {
                p.default_time2retain_s = n16.unwrap_or(p.default_time2retain_s)
            }
            Key::MaxOutstandingR2t => p.max_outstanding_r2t = n16.unwrap_or(p.max_outstanding_r2t),
            Key::DataPduInOrder => p.data_pdu_in_order = b.unwrap_or(p.data_pdu_in_order),
            Key::DataSequenceInOrder => {
                p.data_sequence_in_order = b.unwrap_or(p.data_sequence_in_order)
            }
            Key::ErrorRecoveryLevel => {
                p.error_recovery_level = n
                    .and_then(|n| u8::try_from(n).ok())
                    .unwrap_or(p.error_recovery_level)
            }
            Key::SessionType => {
                p.session_type = if value == "Discovery" {
                    SessionType::Discovery
                } else {
                    SessionType::Normal
                }
            }
        }
    }

    /// The results, once every offer is answered.
    ///
    /// # Errors
    /// [`NegotiationError::Incomplete`] while offers are unanswered;
    /// [`NegotiationError::Inconsistent`] when FirstBurstLength exceeds MaxBurstLength in a
    /// normal session; on the target side [`NegotiationError::MissingKey`] when the initiator
    /// never sent InitiatorName, or TargetName in a normal session (RFC 7143 §13.4, §13.5).
    pub fn finish(&self) -> Result<NegotiatedParameters, NegotiationError> {
        if !self.outstanding.is_empty() {
            return Err(NegotiationError::Incomplete {
                keys: self.outstanding_keys(),
            });
        }
        let p = &self.params;
        if p.session_type == SessionType::Normal && p.first_burst_length > p.max_burst_length {
            return Err(NegotiationError::Inconsistent {
                reason: "FirstBurstLength exceeds MaxBurstLength",
            });
        }
        if self.role == Role::Target {
            if p.initiator_name.is_none() {
                return Err(NegotiationError::MissingKey {
                    key: "InitiatorName",
                });
            }
            if p.session_type == SessionType::Normal && p.target_name.is_none() {
                return Err(NegotiationError::MissingKey { key: "TargetName" });
            }
        }
        Ok(p.clone())
    }
}

fn range(key: Key) -> (u64, u64) {
    match key.kind() {
        Kind::Minimum(lo, hi) | Kind::Maximum(lo, hi) => (lo, hi),
        _ => match key {
            Key::MaxRecvDataSegmentLength => (512, MAX_24),
            Key::TargetPortalGroupTag => (0, 65535),
            _ => (0, u64::MAX),
        },
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(",")
}
