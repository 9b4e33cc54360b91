//! CIDR blocks and addresses as AWS accepts them, with its error codes.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::VpcError;

/// An IPv4 CIDR block (network address and prefix length).
pub type Cidr = Ipv4Net;

/// Reads `text` as a CIDR block whose host bits are zero; the error says what is wrong and, for
/// a block with host bits set, which block was probably meant.
pub fn parse_cidr(text: &str) -> Result<Cidr, String> {
    let text = text.trim();
    let net: Ipv4Net = text
        .parse()
        .map_err(|_| format!("\u{201c}{text}\u{201d} is not an IPv4 CIDR block: write it as 10.0.0.0/16."))?;
    if net.addr() != net.network() {
        return Err(format!(
            "{text} has host bits set: the block starting at {} is {}/{}.",
            net.network(),
            net.network(),
            net.prefix_len()
        ));
    }
    Ok(net)
}

/// Reads `text` as an IPv4 address.
pub fn parse_ip(text: &str) -> Result<Ipv4Addr, String> {
    let text = text.trim();
    text.parse().map_err(|_| format!("\u{201c}{text}\u{201d} is not an IPv4 address: write it as 10.0.1.10."))
}

/// A VPC's CIDR block: /16 to /28 (VPC-14 and the VPC user guide's sizing rule).
pub(crate) fn vpc_block(text: &str) -> Result<Cidr, VpcError> {
    // The size rule first: it is the one people break while typing ("10.0.0.0/8").
    if let Ok(loose) = text.trim().parse::<Ipv4Net>() {
        if !(16..=28).contains(&loose.prefix_len()) {
            return Err(VpcError::new(
                "InvalidVpc.Range",
                format!("The CIDR '{}' is invalid: a VPC block has a netmask from /16 to /28.", text.trim()),
            ));
        }
    }
    parse_cidr(text).map_err(|why| VpcError::new("InvalidVpc.Range", why))
}

/// A subnet's CIDR block: /16 to /28 and inside one of the VPC's blocks.
pub(crate) fn subnet_block(text: &str, vpc_blocks: &[Cidr]) -> Result<Cidr, VpcError> {
    let net = parse_cidr(text).map_err(|why| VpcError::new("InvalidSubnet.Range", why))?;
    if !(16..=28).contains(&net.prefix_len()) || !vpc_blocks.iter().any(|b| b.contains(&net)) {
        let blocks: Vec<String> = vpc_blocks.iter().map(ToString::to_string).collect();
        return Err(VpcError::new(
            "InvalidSubnet.Range",
            format!(
                "The CIDR '{net}' is invalid: a subnet is /16 to /28 inside one of the VPC's blocks ({}).",
                blocks.join(", ")
            ),
        ));
    }
    Ok(net)
}

/// `true` when the two blocks share an address.
pub(crate) fn overlaps(a: &Cidr, b: &Cidr) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// The first overlapping pair between two sets of blocks.
pub(crate) fn first_overlap(a: &[Cidr], b: &[Cidr]) -> Option<(Cidr, Cidr)> {
    a.iter().find_map(|x| b.iter().find(|y| overlaps(x, y)).map(|y| (*x, *y)))
}

/// `true` for an address the public internet routes (not private, loopback, link-local,
/// shared or reserved space).
pub(crate) fn is_public(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)))
}
