//! Property tests: decoding arbitrary bytes never panics; random typed PDUs survive
//! encode → decode with every digest combination.

use discmaster_iscsi::*;
use discmaster_transport::ScsiStatus;
use proptest::collection::vec;
use proptest::prelude::*;

fn digests() -> impl Strategy<Value = Digests> {
    (any::<bool>(), any::<bool>()).prop_map(|(header, data)| Digests { header, data })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decode_arbitrary_bytes_never_panics(bytes in vec(any::<u8>(), 0..300), d in digests()) {
        if let Ok((_, used)) = Pdu::decode(&bytes, d) {
            prop_assert!(used <= bytes.len());
        }
    }

    #[test]
    fn decode_arbitrary_header_with_consistent_lengths_never_panics(
        mut bhs in vec(any::<u8>(), 48),
        opcode in prop::sample::select(vec![
            0x00u8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x1c,
            0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x31, 0x32, 0x3f,
        ]),
        ahs_words in 0u8..4,
        rest in vec(any::<u8>(), 0..120),
        d in digests(),
    ) {
        bhs[0] = (bhs[0] & 0x40) | opcode;
        bhs[4] = ahs_words;
        let dsl = rest.len().saturating_sub(usize::from(ahs_words) * 4 + 8);
        bhs[5] = 0;
        bhs[6] = 0;
        bhs[7] = dsl as u8;
        let selector = u8::from(d.header) | (u8::from(d.data) << 1);
        let mut input = vec![selector];
        input.extend_from_slice(&bhs);
        input.extend_from_slice(&rest);
        // Decodes, and re-encodes whatever decodes (panics on a mismatch).
        discmaster_iscsi::fuzz_pdu(&input);
    }

    #[test]
    fn encode_then_decode_returns_the_pdu(pdu in any_pdu(), d in digests()) {
        let bytes = pdu.encode(d).unwrap();
        prop_assert_eq!(bytes.len() % 4, 0);
        prop_assert_eq!(pdu.encoded_len(d).unwrap(), bytes.len());
        let (back, used) = Pdu::decode(&bytes, d).unwrap();
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(back, pdu);
    }
}

fn lun() -> impl Strategy<Value = Lun> {
    any::<[u8; 8]>().prop_map(Lun)
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..40)
}

fn stage() -> impl Strategy<Value = LoginStage> {
    (0u8..4).prop_map(LoginStage::from)
}

/// Sequence numbers, tags and counts: the 8 words every PDU draws from.
type Words = [u32; 8];

fn any_pdu() -> impl Strategy<Value = Pdu> {
    let w = any::<Words>();
    let f = any::<[bool; 6]>();
    prop_oneof![
        (w, f, lun(), bytes()).prop_map(|(w, f, lun, b)| Pdu::NopOut(NopOut {
            immediate: f[0],
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            cmd_sn: w[2],
            exp_stat_sn: w[3],
            ping_data: b,
        })),
        (
            w,
            f,
            lun(),
            vec(any::<u8>(), 16..48),
            any::<Option<u32>>(),
            0u8..8,
            bytes()
        )
            .prop_map(
                |(w, f, lun, cdb, bidi, attr, b)| Pdu::ScsiCommand(ScsiCommand {
                    immediate: f[0],
                    final_pdu: f[1],
                    read: f[2],
                    write: f[3],
                    attribute: TaskAttribute::from(attr),
                    lun,
                    initiator_task_tag: w[0],
                    expected_data_transfer_length: w[1],
                    cmd_sn: w[2],
                    exp_stat_sn: w[3],
                    cdb,
                    bidirectional_read_length: bidi,
                    immediate_data: b,
                })
            ),
        (w, f, lun(), 0u8..128).prop_map(|(w, f, lun, func)| Pdu::TaskManagementRequest(
            TaskManagementRequest {
                immediate: f[0],
                function: TaskManagementFunction::from(func),
                lun,
                initiator_task_tag: w[0],
                referenced_task_tag: w[1],
                cmd_sn: w[2],
                exp_stat_sn: w[3],
                ref_cmd_sn: w[4],
                exp_data_sn: w[5],
            }
        )),
        (
            w,
            f,
            stage(),
            stage(),
            any::<[u8; 6]>(),
            any::<(u8, u8, u16, u16)>(),
            bytes()
        )
            .prop_map(
                |(w, f, cs, ns, isid, (vmax, vmin, tsih, cid), b)| Pdu::LoginRequest(
                    LoginRequest {
                        transit: f[0],
                        text_continues: f[1],
                        current_stage: cs,
                        next_stage: ns,
                        version_max: vmax,
                        version_min: vmin,
                        isid: Isid(isid),
                        tsih,
                        initiator_task_tag: w[0],
                        cid,
                        cmd_sn: w[1],
                        exp_stat_sn: w[2],
                        text: b,
                    }
                )
            ),
        (w, f, lun(), bytes()).prop_map(|(w, f, lun, b)| Pdu::TextRequest(TextRequest {
            immediate: f[0],
            final_pdu: f[1],
            text_continues: f[2],
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            cmd_sn: w[2],
            exp_stat_sn: w[3],
            text: b,
        })),
        (w, f, lun(), bytes()).prop_map(|(w, f, lun, b)| Pdu::DataOut(DataOut {
            final_pdu: f[0],
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            exp_stat_sn: w[2],
            data_sn: w[3],
            buffer_offset: w[4],
            data_segment: b,
        })),
        (w, f, 0u8..128, any::<u16>()).prop_map(|(w, f, r, cid)| Pdu::LogoutRequest(
            LogoutRequest {
                immediate: f[0],
                reason: LogoutReason::from(r),
                initiator_task_tag: w[0],
                cid,
                cmd_sn: w[1],
                exp_stat_sn: w[2],
            }
        )),
        (w, lun(), 0u8..16).prop_map(|(w, lun, t)| Pdu::SnackRequest(SnackRequest {
            snack_type: SnackType::from(t),
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            exp_stat_sn: w[2],
            beg_run: w[3],
            run_length: w[4],
        })),
        (w, lun(), bytes()).prop_map(|(w, lun, b)| Pdu::NopIn(NopIn {
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            stat_sn: w[2],
            exp_cmd_sn: w[3],
            max_cmd_sn: w[4],
            ping_data: b,
        })),
        (w, f, any::<(u8, u8, u32, u32)>(), bytes(), bytes()).prop_map(
            |(w, f, (resp, status, brr, snack), sense, rest)| {
                Pdu::ScsiResponse(ScsiResponse {
                    bidirectional_read_residual_overflow: f[0],
                    bidirectional_read_residual_underflow: f[1],
                    residual_overflow: f[2],
                    residual_underflow: f[3],
                    response: ScsiResponseCode::from(resp),
                    status: ScsiStatus(status),
                    initiator_task_tag: w[0],
                    snack_tag: snack,
                    stat_sn: w[1],
                    exp_cmd_sn: w[2],
                    max_cmd_sn: w[3],
                    exp_data_sn: w[4],
                    bidirectional_read_residual_count: brr,
                    residual_count: w[5],
                    sense,
                    response_data: rest,
                })
            }
        ),
        (w, any::<u8>()).prop_map(
            |(w, r)| Pdu::TaskManagementResponse(TaskManagementResponse {
                response: TaskManagementResponseCode::from(r),
                initiator_task_tag: w[0],
                stat_sn: w[1],
                exp_cmd_sn: w[2],
                max_cmd_sn: w[3],
            })
        ),
        (
            w,
            f,
            stage(),
            stage(),
            any::<[u8; 6]>(),
            any::<(u8, u8, u16, u16)>(),
            bytes()
        )
            .prop_map(|(w, f, cs, ns, isid, (vmax, vact, tsih, status), b)| {
                Pdu::LoginResponse(LoginResponse {
                    transit: f[0],
                    text_continues: f[1],
                    current_stage: cs,
                    next_stage: ns,
                    version_max: vmax,
                    version_active: vact,
                    isid: Isid(isid),
                    tsih,
                    initiator_task_tag: w[0],
                    stat_sn: w[1],
                    exp_cmd_sn: w[2],
                    max_cmd_sn: w[3],
                    status: LoginStatus(status),
                    text: b,
                })
            }),
        (w, f, lun(), bytes()).prop_map(|(w, f, lun, b)| Pdu::TextResponse(TextResponse {
            final_pdu: f[0],
            text_continues: f[1],
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            stat_sn: w[2],
            exp_cmd_sn: w[3],
            max_cmd_sn: w[4],
            text: b,
        })),
        (w, f, lun(), any::<Option<u8>>(), bytes()).prop_map(|(w, f, lun, s, b)| Pdu::DataIn(
            DataIn {
                final_pdu: f[0],
                acknowledge: f[1],
                residual_overflow: f[2],
                residual_underflow: f[3],
                status: s.map(ScsiStatus),
                lun,
                initiator_task_tag: w[0],
                target_transfer_tag: w[1],
                stat_sn: w[2],
                exp_cmd_sn: w[3],
                max_cmd_sn: w[4],
                data_sn: w[5],
                buffer_offset: w[6],
                residual_count: w[7],
                data_segment: b,
            }
        )),
        (w, any::<(u8, u16, u16)>()).prop_map(|(w, (r, t2w, t2r))| Pdu::LogoutResponse(
            LogoutResponse {
                response: LogoutResponseCode::from(r),
                initiator_task_tag: w[0],
                stat_sn: w[1],
                exp_cmd_sn: w[2],
                max_cmd_sn: w[3],
                time2wait_s: t2w,
                time2retain_s: t2r,
            }
        )),
        (w, lun()).prop_map(|(w, lun)| Pdu::ReadyToTransfer(ReadyToTransfer {
            lun,
            initiator_task_tag: w[0],
            target_transfer_tag: w[1],
            stat_sn: w[2],
            exp_cmd_sn: w[3],
            max_cmd_sn: w[4],
            r2t_sn: w[5],
            buffer_offset: w[6],
            desired_data_transfer_length: w[7],
        })),
        (w, lun(), any::<(u8, u8, u16, u16, u16)>(), bytes(), bytes()).prop_map(
            |(w, lun, (ev, vc, p1, p2, p3), sense, ev_data)| Pdu::AsyncMessage(AsyncMessage {
                lun,
                stat_sn: w[0],
                exp_cmd_sn: w[1],
                max_cmd_sn: w[2],
                async_event: AsyncEvent::from(ev),
                async_vcode: vc,
                parameter1: p1,
                parameter2: p2,
                parameter3: p3,
                sense,
                event_data: ev_data,
            })
        ),
        (w, any::<u8>(), bytes()).prop_map(|(w, r, b)| Pdu::Reject(Reject {
            reason: RejectReason::from(r),
            stat_sn: w[0],
            exp_cmd_sn: w[1],
            max_cmd_sn: w[2],
            data_sn_or_r2t_sn: w[3],
            rejected_header: b,
        })),
    ]
}
