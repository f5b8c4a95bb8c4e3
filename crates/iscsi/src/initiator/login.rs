//! The Login Phase on the initiator side: security stage (AuthMethod, CHAP), operational stage
//! (every key of RFC 7143 §13), then Full Feature Phase.
//!
//! Every Login Request carries the same ITT, ISID, CID 0 and CmdSN (login PDUs are immediate
//! and do not advance CmdSN, RFC 7143 §11.12.6); ExpStatSN follows the last StatSN received.
//! Text longer than 8192 bytes (the MaxRecvDataSegmentLength both sides assume during login)
//! is sent in pieces with the C bit; continued response text is asked for with empty
//! requests. Spec: RFC 7143 §6, §11.12, §11.13, §12.1.3.

use std::time::{Duration, Instant};

use super::connection::{Connection, LinkError};
use super::random::random_bytes;
use super::{InitiatorConfig, InitiatorError};
use crate::chap::ChapInitiator;
use crate::digest::Digests;
use crate::header::Isid;
use crate::negotiation::{
    AuthMethod, NegotiatedParameters, NegotiationConfig, Negotiator, Role, SessionType,
};
use crate::pdu::{LoginRequest, LoginResponse, LoginStatus, Pdu};
use crate::text::{split_text, TextParameters};
use crate::{LoginStage, StatusClass};

/// The data segment limit both sides assume during login, bytes. Spec: RFC 7143 §13.12.
const LOGIN_SEGMENT_LEN: usize = 8192;
/// Most Login Request/Response exchanges one stage may take.
const MAX_ROUNDS: usize = 16;
/// The CmdSN of the login and of the first command.
pub(crate) const INITIAL_CMD_SN: u32 = 1;

/// What a successful login leaves for the session.
#[derive(Debug, Clone)]
pub(crate) struct LoginOutcome {
    pub(crate) params: NegotiatedParameters,
    pub(crate) cmd_sn: u32,
    pub(crate) exp_stat_sn: u32,
    pub(crate) exp_cmd_sn: u32,
    pub(crate) max_cmd_sn: u32,
}

struct Login<'a> {
    conn: &'a mut Connection,
    isid: Isid,
    itt: u32,
    tsih: u16,
    exp_stat_sn: u32,
    exp_cmd_sn: u32,
    max_cmd_sn: u32,
    deadline: Instant,
    timeout: Duration,
}

/// Logs in to `target_name` over `conn` as a normal session.
///
/// # Errors
/// [`InitiatorError::Redirected`] carrying the TargetAddress when the target redirects (the
/// caller reconnects); [`InitiatorError::LoginRefused`] for any other non-success status;
/// `Negotiation`, `Chap`, `Protocol`, `Timeout` or `ConnectionLost` otherwise.
pub(crate) fn login(
    conn: &mut Connection,
    target_name: &str,
    config: &InitiatorConfig,
    isid: Isid,
    deadline: Instant,
    timeout: Duration,
) -> Result<LoginOutcome, InitiatorError> {
    conn.set_digests(Digests::NONE);
    let auth_methods = match &config.chap {
        None => vec![AuthMethod::None],
        Some(c) if c.mutual.is_some() => vec![AuthMethod::Chap],
        Some(_) => vec![AuthMethod::Chap, AuthMethod::None],
    };
    let mut negotiator = Negotiator::new(
        Role::Initiator,
        NegotiationConfig {
            header_digests: config.header_digests.clone(),
            data_digests: config.data_digests.clone(),
            auth_methods,
            initial_r2t: config.initial_r2t,
            immediate_data: config.immediate_data,
            max_recv_data_segment_length: config.max_recv_data_segment_length,
            max_burst_length: config.max_burst_length,
            first_burst_length: config.first_burst_length,
            session_type: SessionType::Normal,
            initiator_name: Some(config.initiator_name.clone()),
            target_name: Some(target_name.to_string()),
            ..NegotiationConfig::default()
        },
    )?;
    let mut login = Login {
        conn,
        isid,
        itt: 0,
        tsih: 0,
        exp_stat_sn: 0,
        exp_cmd_sn: INITIAL_CMD_SN,
        max_cmd_sn: INITIAL_CMD_SN,
        deadline,
        timeout,
    };

    // Security stage. Without CHAP we ask to move on at once.
    let security = LoginStage::SecurityNegotiation;
    let operational = LoginStage::LoginOperationalNegotiation;
    let offers = negotiator.offer(security);
    let (mut response, text) =
        login.exchange(security, operational, config.chap.is_none(), &offers)?;
    let mut answers = negotiator.respond(&text)?;
    if negotiator.parameters().auth_method == AuthMethod::Chap {
        let chap_config = config.chap.as_ref().ok_or_else(|| {
            InitiatorError::Protocol("the target chose CHAP, which was not offered".into())
        })?;
        let mut chap = ChapInitiator::new(chap_config.credentials.clone());
        if let Some(target) = &chap_config.mutual {
            let challenge = random_bytes(16);
            let identifier = random_bytes(1).first().copied().unwrap_or(0);
            chap = chap.with_mutual(target.clone(), identifier, challenge)?;
        }
        let mut request = answers;
        request.0.extend(chap.start()?.0);
        let (_, text) = login.exchange(security, operational, false, &request)?;
        let mut request = negotiator.respond(&text)?;
        request.0.extend(chap.on_challenge(&text)?.0);
        let (r, text) = login.exchange(security, operational, true, &request)?;
        answers = negotiator.respond(&text)?;
        if chap_config.mutual.is_some() {
            chap.on_target_response(&text)?;
        }
        response = r;
    } else if config.chap.as_ref().is_some_and(|c| c.mutual.is_some()) {
        return Err(InitiatorError::Protocol(
            "the target refused AuthMethod=CHAP; mutual CHAP was required".into(),
        ));
    }
    let mut rounds = 0;
    while !(response.transit && response.current_stage == security) {
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(InitiatorError::Protocol(
                "the target never left the security stage".into(),
            ));
        }
        let (r, text) = login.exchange(security, operational, true, &answers)?;
        answers = negotiator.respond(&text)?;
        response = r;
    }

    // Operational stage, unless the target went straight to Full Feature Phase.
    if response.next_stage != LoginStage::FullFeaturePhase {
        let full = LoginStage::FullFeaturePhase;
        let mut request = answers;
        request.0.extend(negotiator.offer(operational).0);
        let mut rounds = 0;
        loop {
            rounds += 1;
            if rounds > MAX_ROUNDS {
                return Err(InitiatorError::Protocol(
                    "operational negotiation did not finish".into(),
                ));
            }
            let (r, text) = login.exchange(operational, full, true, &request)?;
            let answers = negotiator.respond(&text)?;
            if r.transit && r.next_stage == full {
                break;
            }
            request = answers;
            request.0.extend(negotiator.offer(operational).0);
        }
    }
    let params = negotiator.finish()?;
    // A Reject leaves a key at its default, which may be a value we did not offer.
    for (key, value, offered) in [
        ("HeaderDigest", params.header_digest, &config.header_digests),
        ("DataDigest", params.data_digest, &config.data_digests),
    ] {
        if !offered.contains(&value) {
            return Err(InitiatorError::Protocol(format!(
                "the target refused {key}={}",
                offered
                    .iter()
                    .map(|d| d.name())
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
    }
    login.conn.set_digests(params.digests());
    Ok(LoginOutcome {
        params,
        cmd_sn: INITIAL_CMD_SN,
        exp_stat_sn: login.exp_stat_sn,
        exp_cmd_sn: login.exp_cmd_sn,
        max_cmd_sn: login.max_cmd_sn,
    })
}

impl Login<'_> {
    fn request(&self, csg: LoginStage, nsg: LoginStage, transit: bool, text: &[u8]) -> Pdu {
        Pdu::LoginRequest(LoginRequest {
            transit,
            text_continues: false,
            current_stage: csg,
            // NSG is reserved (zero) unless T is set.
            next_stage: if transit {
                nsg
            } else {
                LoginStage::SecurityNegotiation
            },
            version_max: 0,
            version_min: 0,
            isid: self.isid,
            tsih: self.tsih,
            initiator_task_tag: self.itt,
            cid: 0,
            cmd_sn: INITIAL_CMD_SN,
            exp_stat_sn: self.exp_stat_sn,
            text: text.to_vec(),
        })
    }

    fn link(&self, e: LinkError) -> InitiatorError {
        match e {
            LinkError::Timeout => InitiatorError::Timeout {
                during: "login",
                after: self.timeout,
            },
            LinkError::Closed(reason) => InitiatorError::ConnectionLost {
                during: "login",
                reason,
            },
            LinkError::Protocol(reason) => InitiatorError::Protocol(reason),
        }
    }

    fn send(&mut self, pdu: &Pdu) -> Result<(), InitiatorError> {
        self.conn.send(pdu, self.deadline).map_err(|e| self.link(e))
    }

    fn recv(&mut self, csg: LoginStage) -> Result<LoginResponse, InitiatorError> {
        let pdu = self.conn.recv(self.deadline).map_err(|e| self.link(e))?;
        let response = match pdu {
            Pdu::LoginResponse(r) => r,
            Pdu::Reject(r) => {
                return Err(InitiatorError::Protocol(format!(
                    "the target rejected a Login Request ({:?})",
                    r.reason
                )))
            }
            other => {
                return Err(InitiatorError::Protocol(format!(
                    "{:?} PDU during login",
                    other.opcode()
                )))
            }
        };
        if response.status.class() == StatusClass::Redirection {
            let text = TextParameters::parse(&response.text).unwrap_or_default();
            return Err(InitiatorError::Redirected {
                address: text.get("TargetAddress").unwrap_or_default().to_string(),
            });
        }
        if response.status != LoginStatus::SUCCESS {
            return Err(InitiatorError::LoginRefused {
                status: response.status,
            });
        }
        if response.initiator_task_tag != self.itt {
            return Err(InitiatorError::Protocol(format!(
                "Login Response for ITT {:#x}, expected {:#x}",
                response.initiator_task_tag, self.itt
            )));
        }
        if response.version_active != 0 {
            return Err(InitiatorError::Protocol(format!(
                "Login Response with Version-active {}",
                response.version_active
            )));
        }
        if response.current_stage != csg {
            return Err(InitiatorError::Protocol(format!(
                "Login Response in stage {:?}, request was in {csg:?}",
                response.current_stage
            )));
        }
        self.exp_stat_sn = response.stat_sn.wrapping_add(1);
        self.exp_cmd_sn = response.exp_cmd_sn;
        self.max_cmd_sn = response.max_cmd_sn;
        self.tsih = response.tsih;
        Ok(response)
    }

    /// Sends `text` (in pieces if needed) and returns the response with its whole text.
    fn exchange(
        &mut self,
        csg: LoginStage,
        nsg: LoginStage,
        transit: bool,
        text: &TextParameters,
    ) -> Result<(LoginResponse, TextParameters), InitiatorError> {
        let bytes = text.emit();
        let pieces = split_text(&bytes, LOGIN_SEGMENT_LEN);
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.iter().enumerate() {
            let mut pdu = self.request(csg, nsg, transit && i == last, piece);
            if let Pdu::LoginRequest(r) = &mut pdu {
                r.text_continues = i != last;
            }
            self.send(&pdu)?;
            if i != last {
                // The target acknowledges each continued piece with an empty response.
                self.recv(csg)?;
            }
        }
        let mut response = self.recv(csg)?;
        let mut all = std::mem::take(&mut response.text);
        let mut rounds = 0;
        while response.text_continues {
            rounds += 1;
            if rounds > 64 || all.len() > 1 << 20 {
                return Err(InitiatorError::Protocol(
                    "login text continues too long".into(),
                ));
            }
            let pdu = self.request(csg, nsg, false, &[]);
            self.send(&pdu)?;
            response = self.recv(csg)?;
            all.extend_from_slice(&response.text);
        }
        let params = TextParameters::parse(&all)
            .map_err(|e| InitiatorError::Protocol(format!("Login Response text: {e}")))?;
        Ok((response, params))
    }
}
