//! A VPC scenario in a link: the operations added to the preset's (`add=peer A C;accept pcx-ac`)
//! or, when some of the preset's were undone, the whole log (`ops=…`), and the packet
//! (`from=A/app&to=10.2.1.10&port=443&proto=tcp`) where it differs from the preset's.

use engine::vpc::{parse_ip, Op, PacketSpec, Protocol, VpcScenario};

use crate::share::LinkParams;

/// Separates operations in a link value.
const SEPARATOR: char = ';';

/// Operations as one link value.
pub fn join_ops(ops: &[Op]) -> String {
    ops.iter().map(ToString::to_string).collect::<Vec<_>>().join(&SEPARATOR.to_string())
}

/// A link value's operations; the error names the first bad one.
pub fn split_ops(text: &str) -> Result<Vec<Op>, String> {
    text.split(SEPARATOR)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, t)| Op::parse(t).map_err(|why| format!("operation {}: {why}", i + 1)))
        .collect()
}

impl LinkParams for VpcScenario {
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if self.ops != base.ops {
            match self.ops.strip_prefix(base.ops.as_slice()) {
                Some(added) => params.push(("add", join_ops(added))),
                None => params.push(("ops", join_ops(&self.ops))),
            }
        }
        let (p, b) = (&self.packet, &base.packet);
        if p.from != b.from {
            params.push(("from", p.from.clone()));
        }
        if p.to != b.to {
            params.push(("to", p.to.clone()));
        }
        if p.port != b.port {
            params.push(("port", p.port.to_string()));
        }
        if p.protocol != b.protocol {
            params.push(("proto", p.protocol.clone()));
        }
        params
    }

    fn param_rank(key: &str) -> Option<usize> {
        ["ops", "add", "from", "to", "port", "proto"].iter().position(|k| *k == key)
    }

    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String> {
        let mut next = self.clone();
        let packet: &mut PacketSpec = &mut next.packet;
        match key {
            "ops" => next.ops = split_ops(value)?,
            "add" => next.ops.extend(split_ops(value)?),
            "from" => {
                if !value.contains('/') {
                    return Err("the source is VPC/instance, e.g. A/app.".to_owned());
                }
                packet.from = value.to_owned();
            }
            "to" => {
                parse_ip(value)?;
                packet.to = value.to_owned();
            }
            "port" => {
                packet.port = value.parse().map_err(|_| "a port is a whole number from 0 to 65535.".to_owned())?;
            }
            "proto" => match Protocol::parse(value)? {
                Protocol::All => return Err("a packet has one protocol: tcp, udp or icmp.".to_owned()),
                p => packet.protocol = p.name().to_owned(),
            },
            _ => return Err("not a setting of this playground.".to_owned()),
        }
        if next.ops.len() > engine::vpc::MAX_OPS {
            return Err(format!("at most {} operations fit in a scenario.", engine::vpc::MAX_OPS));
        }
        if engine::vpc::vpcs_created(&next.ops) > engine::vpc::MAX_SCENARIO_VPCS {
            return Err(format!("the diagram shows at most {} VPCs.", engine::vpc::MAX_SCENARIO_VPCS));
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::vpc::presets::PRESETS;
    use crate::share::apply_params;

    #[test]
    fn added_operations_and_the_packet_round_trip() {
        for preset in &PRESETS {
            let base = (preset.scenario)();
            let mut changed = base.clone();
            changed.ops.push(Op::parse("peer A C").unwrap());
            changed.ops.push(Op::parse("wait 7d").unwrap());
            changed.packet.port = 22;
            changed.packet.to = "10.9.9.9".into();
            let params: Vec<(String, String)> =
                changed.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            assert_eq!(params[0].0, "add", "{}", preset.key);
            let mut notices = Vec::new();
            assert_eq!(apply_params(base.clone(), &params, &mut notices), changed, "{}", preset.key);
            assert!(notices.is_empty(), "{notices:?}");
            // An undone preset operation: the whole log travels.
            let mut undone = base.clone();
            undone.ops.pop();
            let params: Vec<(String, String)> =
                undone.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            assert_eq!(params[0].0, "ops");
            assert_eq!(apply_params(base, &params, &mut notices), undone);
        }
    }

    #[test]
    fn bad_link_values_are_explained_and_ignored() {
        let base = (PRESETS[0].scenario)();
        let params =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
        let mut notices = Vec::new();
        let got = apply_params(
            base.clone(),
            &params(&[
                ("add", "peer A C;fly away"),
                ("to", "10.0.0.300"),
                ("port", "99999"),
                ("proto", "all"),
                ("from", "A"),
            ]),
            &mut notices,
        );
        assert_eq!(got, base);
        assert_eq!(notices.len(), 5, "{notices:?}");
        assert!(notices[0].contains("operation 2"), "{}", notices[0]);
    }
}
