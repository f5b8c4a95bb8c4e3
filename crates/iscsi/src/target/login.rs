//! The target side of the Login Phase as pure state: one [`Login`] per connection turns each
//! Login Request into a Login Response, drives the text negotiation ([`Negotiator`]) and CHAP
//! ([`ChapTarget`]), and says when the connection enters Full Feature Phase. No IO, no clock,
//! no random source (the CHAP challenge comes from the caller).
//!
//! Rules applied (RFC 7143 §6.3 login phase, §11.12–§11.13 PDUs, §12.1 authentication):
//! * Version-min above 00h: 0205h unsupported version.
//! * The first request must carry InitiatorName, and for a normal session TargetName equal to
//!   this target's name (0207h missing parameter, 0203h not found). TSIH ≠ 0 (adding a
//!   connection or reinstating one) is not supported: 020Ah session does not exist.
//! * With a CHAP account configured every session must authenticate: skipping the security
//!   stage, answering AuthMethod without CHAP, or a wrong response end the login with 0201h
//!   authentication failure. Without an account AuthMethod=None is selected; an initiator
//!   offering only CHAP gets 0201h too (the target has no secret to check).
//! * The obsolete marker keys of RFC 3720 are answered `IFMarker/OFMarker=No` and
//!   `IFMarkInt/OFMarkInt=Irrelevant` (RFC 7143 obsoletes them; §? for the exact wording).
//! * Text split over several requests (C bit) is collected and answered with empty responses.
//! * The target declares TargetPortalGroupTag in its first response and its
//!   MaxRecvDataSegmentLength in the first response of the operational stage; it offers
//!   nothing else, so the initiator's offers decide every negotiated key.
//! * Each response advances StatSN; ExpCmdSN stays at the request's CmdSN (login requests are
//!   immediate); TSIH is set only in the final response.

use crate::chap::{ChapCredentials, ChapError, ChapSecret, ChapTarget};
use crate::enums::LoginStage;
use crate::negotiation::{
    AuthMethod, DigestKind, NegotiatedParameters, NegotiationConfig, NegotiationError, Negotiator,
    Role, SessionType,
};
use crate::pdu::{LoginRequest, LoginResponse, LoginStatus};
use crate::text::TextParameters;
use crate::Isid;

/// Commands the initiator may send beyond ExpCmdSN (MaxCmdSN = ExpCmdSN + window − 1).
pub(crate) const COMMAND_WINDOW: u32 = 32;

/// What the login needs to know about the target.
#[derive(Debug, Clone)]
pub(crate) struct LoginSettings {
    /// This target's iSCSI name.
    pub target_name: String,
    /// TargetAlias, if any.
    pub target_alias: Option<String>,
    /// TargetPortalGroupTag.
    pub portal_group_tag: u16,
    /// The CHAP account every initiator must authenticate with, if any.
    pub chap: Option<ChapCredentials>,
    /// MaxRecvDataSegmentLength the target declares, bytes.
    pub max_recv_data_segment_length: u32,
    /// MaxBurstLength the target accepts at most, bytes.
    pub max_burst_length: u32,
    /// FirstBurstLength the target accepts at most, bytes.
    pub first_burst_length: u32,
}

/// How a login ended successfully.
#[derive(Debug, Clone)]
pub(crate) struct LoginResult {
    /// The negotiated values.
    pub params: NegotiatedParameters,
    /// The initiator's ISID.
    pub isid: Isid,
    /// The CHAP name the initiator authenticated with.
    pub chap_name: Option<String>,
    /// The next StatSN to send.
    pub next_stat_sn: u32,
    /// The CmdSN the first command will carry.
    pub exp_cmd_sn: u32,
}

/// Why a login failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoginFailure {
    /// The status sent.
    pub status: LoginStatus,
    /// A one-line reason for the log.
    pub reason: String,
}

/// The outcome of one Login Request.
#[derive(Debug, Clone)]
pub(crate) enum LoginStep {
    /// Send the response and wait for the next request.
    Continue(LoginResponse),
    /// Send the response (its TSIH still to be filled in by the caller); the connection is in
    /// Full Feature Phase.
    Complete(LoginResponse, Box<LoginResult>),
    /// Send the response (a failure status) and close the connection.
    Fail(LoginResponse, LoginFailure),
}

/// One connection's login.
#[derive(Debug)]
pub(crate) struct Login {
    settings: LoginSettings,
    negotiator: Negotiator,
    chap: Option<ChapTarget>,
    chap_name: Option<String>,
    auth_agreed: bool,
    stage: Option<LoginStage>,
    first: Option<(Isid, u16, u32, u16)>,
    stat_sn: u32,
    exp_cmd_sn: u32,
    pending_text: Vec<u8>,
    declared_tpgt: bool,
    declared_mrdsl: bool,
    initiator_name: Option<String>,
}

impl Login {
    /// A login for `settings`; `chap_identifier` and `chap_challenge` (at least 16 random bytes)
    /// are used when the target challenges the initiator.
    ///
    /// # Errors
    /// [`NegotiationError`] when the settings hold a value outside a key's range (checked
    /// earlier by the target configuration).
    pub fn new(
        settings: LoginSettings,
        chap_identifier: u8,
        chap_challenge: Vec<u8>,
    ) -> Result<Login, NegotiationError> {
        let config = NegotiationConfig {
            header_digests: vec![DigestKind::None, DigestKind::Crc32c],
            data_digests: vec![DigestKind::None, DigestKind::Crc32c],
            auth_methods: vec![if settings.chap.is_some() {
                AuthMethod::Chap
            } else {
                AuthMethod::None
            }],
            max_recv_data_segment_length: settings.max_recv_data_segment_length,
            max_burst_length: settings.max_burst_length,
            first_burst_length: settings.first_burst_length,
            target_alias: settings.target_alias.clone(),
            target_portal_group_tag: Some(settings.portal_group_tag),
            ..NegotiationConfig::default()
        };
        let negotiator = Negotiator::new(Role::Target, config)?;
        let chap = settings
            .chap
            .as_ref()
            .and_then(|_| ChapTarget::new(chap_identifier, chap_challenge).ok());
        Ok(Login {
            settings,
            negotiator,
            chap,
            chap_name: None,
            auth_agreed: false,
            stage: None,
            first: None,
            stat_sn: 0,
            exp_cmd_sn: 0,
            pending_text: Vec::new(),
            declared_tpgt: false,
            declared_mrdsl: false,
            initiator_name: None,
        })
    }

    /// The InitiatorName received so far.
    pub fn initiator_name(&self) -> Option<&str> {
        self.initiator_name.as_deref()
    }

    /// Handles one Login Request.
    pub fn step(&mut self, req: &LoginRequest) -> LoginStep {
        let first = self.first.is_none();
        if first {
            self.first = Some((req.isid, req.tsih, req.initiator_task_tag, req.cid));
            self.stat_sn = req.exp_stat_sn;
            self.exp_cmd_sn = req.cmd_sn;
        }
        if req.version_min > 0 {
            return self.fail(
                req,
                LoginStatus::UNSUPPORTED_VERSION,
                format!("Version-min {} (only 0 is supported)", req.version_min),
            );
        }
        if self.first != Some((req.isid, req.tsih, req.initiator_task_tag, req.cid)) {
            return self.fail(
                req,
                LoginStatus::INITIATOR_ERROR,
                "ISID, TSIH, ITT or CID changed during the login".into(),
            );
        }
        if req.tsih != 0 {
            return self.fail(
                req,
                LoginStatus::SESSION_DOES_NOT_EXIST,
                format!(
                    "TSIH {} (adding or reinstating connections is not supported)",
                    req.tsih
                ),
            );
        }
        let stage = req.current_stage;
        match (self.stage, stage) {
            (_, LoginStage::FullFeaturePhase) | (_, LoginStage::Unknown(_)) => {
                return self.fail(
                    req,
                    LoginStatus::INITIATOR_ERROR,
                    format!("CSG {:?} is not a login stage", stage),
                )
            }
            (None, LoginStage::LoginOperationalNegotiation) if self.settings.chap.is_some() => {
                return self.fail(
                    req,
                    LoginStatus::AUTHENTICATION_FAILURE,
                    "the initiator skipped the security stage but CHAP is required".into(),
                )
            }
            (Some(s), c) if s != c => {
                return self.fail(
                    req,
                    LoginStatus::INITIATOR_ERROR,
                    format!("CSG {:?} while the login is in stage {:?}", c, s),
                )
            }
            _ => self.stage = Some(stage),
        }
        self.pending_text.extend_from_slice(&req.text);
        if req.text_continues {
            return LoginStep::Continue(self.response(req, false, TextParameters::new()));
        }
        let text = std::mem::take(&mut self.pending_text);
        let received = match TextParameters::parse(&text) {
            Ok(t) => t,
            Err(e) => {
                return self.fail(
                    req,
                    LoginStatus::INITIATOR_ERROR,
                    format!("login text: {e}"),
                )
            }
        };
        let (negotiable, mut reply) = split_obsolete(&received);
        match self.negotiator.respond(&negotiable) {
            Ok(answers) => reply.0.extend(answers.0),
            Err(e) => {
                return self.fail(
                    req,
                    LoginStatus::INITIATOR_ERROR,
                    format!("negotiation: {e}"),
                )
            }
        }
        if let Some(name) = received.get("InitiatorName") {
            self.initiator_name = Some(name.to_string());
        }
        if first {
            if let Some(failure) = self.check_first(&received) {
                return self.fail(req, failure.status, failure.reason);
            }
        }
        if stage == LoginStage::SecurityNegotiation {
            if let Err(failure) = self.security(&received, &mut reply) {
                return self.fail(req, failure.status, failure.reason);
            }
        }
        if !self.declared_tpgt {
            self.declared_tpgt = true;
            reply.push(
                "TargetPortalGroupTag",
                self.settings.portal_group_tag.to_string(),
            );
        }
        if stage == LoginStage::LoginOperationalNegotiation && !self.declared_mrdsl {
            self.declared_mrdsl = true;
            reply.push(
                "MaxRecvDataSegmentLength",
                self.settings.max_recv_data_segment_length.to_string(),
            );
        }

        let next = req.next_stage;
        let may_transit = req.transit
            && self.negotiator.is_complete()
            && match stage {
                LoginStage::SecurityNegotiation => {
                    self.auth_agreed
                        && (self.settings.chap.is_none() || self.chap_name.is_some())
                        && matches!(
                            next,
                            LoginStage::LoginOperationalNegotiation | LoginStage::FullFeaturePhase
                        )
                }
                _ => next == LoginStage::FullFeaturePhase,
            };
        if req.transit
            && !may_transit
            && stage == LoginStage::SecurityNegotiation
            && self.settings.chap.is_some()
            && !self.auth_agreed
        {
            return self.fail(
                req,
                LoginStatus::AUTHENTICATION_FAILURE,
                "the initiator tried to leave the security stage without CHAP".into(),
            );
        }
        if !may_transit {
            return LoginStep::Continue(self.response(req, false, reply));
        }
        if next != LoginStage::FullFeaturePhase {
            self.stage = Some(next);
            return LoginStep::Continue(self.response(req, true, reply));
        }
        let params = match self.negotiator.finish() {
            Ok(p) => p,
            Err(e) => {
                return self.fail(
                    req,
                    LoginStatus::MISSING_PARAMETER,
                    format!("negotiation: {e}"),
                )
            }
        };
        let response = self.response(req, true, reply);
        LoginStep::Complete(
            response,
            Box::new(LoginResult {
                params,
                isid: req.isid,
                chap_name: self.chap_name.clone(),
                next_stat_sn: self.stat_sn,
                exp_cmd_sn: self.exp_cmd_sn,
            }),
        )
    }

    /// Checks the keys the first request must carry.
    fn check_first(&self, received: &TextParameters) -> Option<LoginFailure> {
        if received.get("InitiatorName").is_none_or(str::is_empty) {
            return Some(LoginFailure {
                status: LoginStatus::MISSING_PARAMETER,
                reason: "the first login request has no InitiatorName".into(),
            });
        }
        let discovery = received.get("SessionType") == Some("Discovery");
        if discovery {
            return None;
        }
        match received.get("TargetName") {
            None => Some(LoginFailure {
                status: LoginStatus::MISSING_PARAMETER,
                reason: "a normal session without TargetName".into(),
            }),
            Some(name) if name != self.settings.target_name => Some(LoginFailure {
                status: LoginStatus::NOT_FOUND,
                reason: format!("no target named {name:?}"),
            }),
            Some(_) => None,
        }
    }

    /// AuthMethod and the CHAP exchange of the security stage.
    fn security(
        &mut self,
        received: &TextParameters,
        reply: &mut TextParameters,
    ) -> Result<(), LoginFailure> {
        let auth_fail = |reason: String| LoginFailure {
            status: LoginStatus::AUTHENTICATION_FAILURE,
            reason,
        };
        if received.get("AuthMethod").is_some() {
            let chosen = reply.get("AuthMethod").unwrap_or("Reject");
            match (chosen, self.settings.chap.is_some()) {
                ("CHAP", true) | ("None", false) => self.auth_agreed = true,
                (_, true) => {
                    return Err(auth_fail(format!(
                        "AuthMethod={} offered; this target requires CHAP",
                        received.get("AuthMethod").unwrap_or("")
                    )))
                }
                (_, false) => {
                    return Err(auth_fail(format!(
                        "AuthMethod={} offered; this target has no CHAP account (serve \
                         --chap-user/--chap-secret-file)",
                        received.get("AuthMethod").unwrap_or("")
                    )))
                }
            }
        }
        let Some(account) = self.settings.chap.clone() else {
            return Ok(());
        };
        let chap_keys = received.iter().any(|(k, _)| k.starts_with("CHAP_"));
        if !chap_keys {
            return Ok(());
        }
        if !self.auth_agreed {
            return Err(auth_fail(
                "CHAP keys before AuthMethod=CHAP was agreed".into(),
            ));
        }
        let Some(chap) = self.chap.as_mut() else {
            return Err(auth_fail("no CHAP challenge available".into()));
        };
        if received.get("CHAP_A").is_some() {
            let keys = chap
                .on_algorithms(received)
                .map_err(|e| auth_fail(format!("CHAP: {e}")))?;
            reply.0.extend(keys.0);
        }
        if received.get("CHAP_N").is_some() || received.get("CHAP_R").is_some() {
            let lookup = |name: &str| -> Option<ChapSecret> {
                (name == account.name).then(|| account.secret.clone())
            };
            let verified = chap.on_response(received, lookup).map_err(|e| match e {
                ChapError::ResponseMismatch { name } => {
                    auth_fail(format!("CHAP: wrong secret for {name:?}"))
                }
                other => auth_fail(format!("CHAP: {other}")),
            })?;
            reply.0.extend(verified.reply.0);
            self.chap_name = Some(verified.initiator_name);
        }
        Ok(())
    }

    fn response(
        &mut self,
        req: &LoginRequest,
        transit: bool,
        text: TextParameters,
    ) -> LoginResponse {
        let stat_sn = self.stat_sn;
        self.stat_sn = self.stat_sn.wrapping_add(1);
        LoginResponse {
            transit,
            text_continues: false,
            current_stage: req.current_stage,
            next_stage: if transit {
                req.next_stage
            } else {
                LoginStage::SecurityNegotiation
            },
            version_max: 0,
            version_active: 0,
            isid: req.isid,
            tsih: 0,
            initiator_task_tag: req.initiator_task_tag,
            stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.exp_cmd_sn.wrapping_add(COMMAND_WINDOW - 1),
            status: LoginStatus::SUCCESS,
            text: text.emit(),
        }
    }

    fn fail(&mut self, req: &LoginRequest, status: LoginStatus, reason: String) -> LoginStep {
        let mut response = self.response(req, false, TextParameters::new());
        response.status = status;
        if !matches!(
            req.current_stage,
            LoginStage::SecurityNegotiation | LoginStage::LoginOperationalNegotiation
        ) {
            response.current_stage = LoginStage::SecurityNegotiation;
        }
        LoginStep::Fail(response, LoginFailure { status, reason })
    }
}

/// Separates the obsolete marker keys of RFC 3720 from the rest and answers them.
fn split_obsolete(received: &TextParameters) -> (TextParameters, TextParameters) {
    let mut rest = TextParameters::new();
    let mut answers = TextParameters::new();
    for (k, v) in received.iter() {
        match k {
            "IFMarker" | "OFMarker" => answers.push(k, "No"),
            "IFMarkInt" | "OFMarkInt" => answers.push(k, "Irrelevant"),
            _ => rest.push(k, v),
        }
    }
    (rest, answers)
}

/// Whether the session is a discovery session.
pub(crate) fn is_discovery(params: &NegotiatedParameters) -> bool {
    params.session_type == SessionType::Discovery
}
