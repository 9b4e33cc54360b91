//! Where things go in the VPC diagram: VPC boxes on a ring (a hub in the middle when the network
//! is hub-and-spoke), their subnets and instances inside, peering lines between box centres with
//! labels nudged apart, and the point of every hop a packet can take. A frame too narrow for the
//! ring (a phone, a blog embed) gets the boxes in one column with the connections as arcs in a
//! gutter at their right, so no line crosses a box.

use engine::vpc::{Hop, Network, PeeringState, VpcIdx};

/// The diagram's widest width (its height follows the content); two or three VPCs get a
/// narrower view, so they are drawn larger.
pub const VIEW_W: f64 = 960.0;
/// A VPC box's width on a ring.
pub const BOX_W: f64 = 232.0;
/// Room right of the column of boxes for the arcs and their labels, on a frame `width` wide.
fn gutter(width: f64) -> f64 {
    (width * 0.3).clamp(80.0, 104.0)
}
const PAD: f64 = 16.0;
/// Height of a box's title and CIDR lines.
const HEAD_H: f64 = 46.0;
/// Height of a subnet's heading line.
const SUBNET_H: f64 = 16.0;
/// Height of an instance's line.
const INSTANCE_H: f64 = 18.0;
/// Room above the boxes for the internet cloud.
const SKY_H: f64 = 44.0;

/// One VPC's box.
#[derive(Clone, Debug, PartialEq)]
pub struct VpcBox {
    /// Index in the network.
    pub vpc: VpcIdx,
    /// Top-left corner.
    pub x: f64,
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Title: `A` and, when not the defaults, its account and Region.
    pub title: String,
    /// The owner and Region line, when not the defaults.
    pub owner: Option<String>,
    /// `10.0.0.0/16, 10.5.0.0/16`.
    pub cidrs: String,
    /// Whether it has an internet gateway.
    pub igw: bool,
    /// Subnet headings: (y, text).
    pub subnets: Vec<(f64, String)>,
    /// Instances.
    pub instances: Vec<InstanceDot>,
}

/// An instance's dot.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceDot {
    /// Its name.
    pub name: String,
    /// Its address.
    pub ip: String,
    /// Where its dot is.
    pub x: f64,
    pub y: f64,
}

impl VpcBox {
    /// The box's centre.
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Where the route table badge sits (top right).
    pub fn route_table(&self) -> (f64, f64) {
        (self.x + self.w - 22.0, self.y + 14.0)
    }

    /// Where the internet gateway sits (on the top edge).
    pub fn gateway(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y)
    }
}

/// One peering connection's line.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerLine {
    /// Index in the network's list.
    pub pcx: usize,
    /// From the requester's centre to the accepter's (on a column: their right edges).
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// The control point of the arc on a column (a straight line on a ring).
    pub bend: Option<(f64, f64)>,
    /// `active`, `pending`, `failed` or `ended` (CSS class).
    pub class: &'static str,
    /// `pcx-ab`, with its state when it is not active: `pcx-ac · pending-acceptance`.
    pub label: String,
    /// Where the label sits.
    pub label_at: (f64, f64),
}

/// The whole diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// The boxes, in network order (present VPCs only).
    pub boxes: Vec<VpcBox>,
    /// Lines of connections to show: live ones, and ended ones still visible.
    pub lines: Vec<PeerLine>,
    /// The diagram's width.
    pub width: f64,
    /// The diagram's height.
    pub height: f64,
    /// Whether to draw the internet (some VPC has a gateway).
    pub internet: bool,
    /// Whether the boxes are in one column (a narrow frame).
    pub column: bool,
}

impl PeerLine {
    /// The point `t` (0–1) of the way along the line or arc.
    pub fn at(&self, t: f64) -> (f64, f64) {
        match self.bend {
            None => lerp(self.from, self.to, t),
            Some(c) => lerp(lerp(self.from, c, t), lerp(c, self.to, t), t),
        }
    }

    /// SVG path data of the line or arc.
    pub fn path(&self) -> String {
        let ((x1, y1), (x2, y2)) = (self.from, self.to);
        match self.bend {
            None => format!("M{x1:.1} {y1:.1} L{x2:.1} {y2:.1}"),
            Some((cx, cy)) => format!("M{x1:.1} {y1:.1} Q{cx:.1} {cy:.1} {x2:.1} {y2:.1}"),
        }
    }
}

impl Layout {
    /// The box of a VPC.
    pub fn box_of(&self, vpc: VpcIdx) -> Option<&VpcBox> {
        self.boxes.iter().find(|b| b.vpc == vpc)
    }

    /// Where a hop is drawn; `src` is the packet's VPC (a peering's point leans to the far side)
    /// and `dst` its destination (a security group is drawn beside the destination instance).
    pub fn hop_point(&self, net: &Network, hop: &Hop, src: VpcIdx, dst: std::net::Ipv4Addr) -> Option<(f64, f64)> {
        let instance = |vpc: VpcIdx, i: usize| {
            let name = &net.vpcs[vpc].instances.get(i)?.name;
            self.box_of(vpc)?.instances.iter().find(|d| &d.name == name).map(|d| (d.x, d.y))
        };
        match *hop {
            Hop::Source { vpc, instance: i } | Hop::Destination { vpc, instance: i } => instance(vpc, i),
            Hop::RouteTable { vpc, .. } | Hop::ReturnRoute { vpc, .. } => self.box_of(vpc).map(VpcBox::route_table),
            Hop::Peering { pcx } => {
                let p = net.peerings.get(pcx)?;
                let far = p.other(src)?;
                match self.lines.iter().find(|l| l.pcx == pcx) {
                    // Leaning to the far side, on the line as drawn.
                    Some(line) => Some(line.at(if p.requester == src { 0.62 } else { 0.38 })),
                    None => Some(lerp(self.box_of(src)?.centre(), self.box_of(far)?.centre(), 0.62)),
                }
            }
            Hop::SecurityGroup { vpc, .. } => {
                let inst = net.vpcs[vpc].instance_at(dst)?;
                instance(vpc, inst).map(|(x, y)| (x - 16.0, y))
            }
            Hop::InternetGateway { vpc } => self.box_of(vpc).map(VpcBox::gateway),
            Hop::Internet => Some((self.width / 2.0, SKY_H / 2.0)),
        }
    }
}

/// A rectangle: left, top, width, height.
type Rect = (f64, f64, f64, f64);

impl Layout {
    /// The rectangles text already takes (box titles and lines, route table badges, connection
    /// labels), roughly: 11–14 px text, its width estimated per character.
    fn text_rects(&self) -> Vec<Rect> {
        let line = |x: f64, baseline: f64, chars: usize, char_w: f64| (x, baseline - 11.0, chars as f64 * char_w, 14.0);
        let mut rects = Vec::new();
        for b in &self.boxes {
            rects.push(line(b.x + 12.0, b.y + 18.0, b.title.len() + 4, 9.0));
            rects.push(line(b.x + 12.0, b.y + 34.0, b.cidrs.len(), 7.0));
            let (rx, ry) = b.route_table();
            rects.push((rx - 14.0, ry - 9.0, 28.0, 18.0));
            rects.extend(b.subnets.iter().map(|(y, text)| line(b.x + 12.0, *y, text.len(), 7.0)));
            rects.extend(b.instances.iter().map(|d| line(d.x - 6.0, d.y + 4.0, d.name.len() + d.ip.len() + 3, 7.0)));
        }
        for l in &self.lines {
            let half = l.label.chars().count() as f64 * 3.6 + 4.0;
            rects.push((l.label_at.0 - half, l.label_at.1 - 8.0, 2.0 * half, 16.0));
        }
        rects
    }

    /// Where to centre a `chars`-character label (12 px bold) near `(x, y)` so it covers no other
    /// text: above, below, right, left, then further out; the baseline's `(x, y)`.
    pub fn free_spot(&self, (x, y): (f64, f64), chars: usize) -> (f64, f64) {
        let w = chars as f64 * 8.0 + 4.0;
        let taken = self.text_rects();
        let candidates = [
            (x, y - 12.0),
            (x, y + 24.0),
            (x + 14.0 + w / 2.0, y + 5.0),
            (x - 14.0 - w / 2.0, y + 5.0),
            (x - 14.0 - w / 2.0, y - 12.0),
            (x - 14.0 - w / 2.0, y + 24.0),
            (x, y - 30.0),
            (x, y + 42.0),
        ];
        // Inside the frame, the spot that covers the least text (none, nearly always).
        let covered = |&(cx, by): &(f64, f64)| {
            let r: Rect = (cx - w / 2.0, by - 12.0, w, 15.0);
            let outside = r.0 < 0.0 || r.0 + r.2 > self.width || r.1 < 0.0;
            let area: f64 = taken.iter().map(|&t| overlap(r, t)).sum();
            if outside {
                f64::INFINITY
            } else {
                area
            }
        };
        let mut best = candidates[0];
        let mut least = covered(&best);
        for c in &candidates[1..] {
            let area = covered(c);
            if area < least {
                (best, least) = (*c, area);
            }
        }
        best
    }
}

/// The area two rectangles share.
fn overlap(a: Rect, b: Rect) -> f64 {
    let dx = (a.0 + a.2).min(b.0 + b.2) - a.0.max(b.0);
    let dy = (a.1 + a.3).min(b.1 + b.3) - a.1.max(b.1);
    dx.max(0.0) * dy.max(0.0)
}

fn lerp(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// Whether a VPC is drawn with its account and Region (they are not the defaults).
fn shows_owner(v: &engine::vpc::Vpc) -> bool {
    v.account != engine::vpc::DEFAULT_ACCOUNT || v.region != engine::vpc::DEFAULT_REGION
}

/// The title and CIDR lines, and the owner's line when shown.
fn head_height(v: &engine::vpc::Vpc) -> f64 {
    HEAD_H + if shows_owner(v) { 13.0 } else { 0.0 }
}

fn box_height(net: &Network, vpc: VpcIdx) -> f64 {
    let v = &net.vpcs[vpc];
    head_height(v) + v.subnets.len() as f64 * SUBNET_H + v.instances.len() as f64 * INSTANCE_H + 8.0
}

/// The hub of a hub-and-spoke network: one VPC with a live connection to every other, while no
/// other pair is connected (four VPCs or more).
fn hub(net: &Network, present: &[VpcIdx]) -> Option<VpcIdx> {
    if present.len() < 4 {
        return None;
    }
    let live: Vec<(VpcIdx, VpcIdx)> =
        net.peerings.iter().filter(|p| p.state.is_live()).map(|p| (p.requester, p.accepter)).collect();
    present.iter().copied().find(|&h| {
        live.iter().all(|&(a, b)| a == h || b == h)
            && present.iter().all(|&v| v == h || live.iter().any(|&(a, b)| (a == h && b == v) || (b == h && a == v)))
    })
}

/// Lays the network out for a frame `room` CSS pixels wide: on a ring when it fits, else in a
/// column.
pub fn layout(net: &Network, room: f64) -> Layout {
    let present: Vec<VpcIdx> = net.live_vpcs().map(|(i, _)| i).collect();
    let internet = net.live_vpcs().any(|(_, v)| v.igw);
    let top = if internet { SKY_H + PAD } else { PAD };
    let hub = hub(net, &present);
    let ring_vpcs: Vec<VpcIdx> = present.iter().copied().filter(|v| Some(*v) != hub).collect();
    // Centres: one alone, two side by side, three in a triangle, more on an ellipse (hub in the middle).
    let width = match (ring_vpcs.len(), hub) {
        (0..=1, None) => BOX_W + 2.0 * PAD,
        (2, None) => 720.0,
        (3, None) => 780.0,
        _ => VIEW_W,
    };
    let room = if room.is_finite() { room.max(crate::components::NARROWEST) } else { crate::components::NARROWEST };
    if width > room {
        // A ring a little narrower than it would like still reads better than a column, as
        // long as no two boxes touch (a desktop column of 745 px holds a ring of five).
        if room >= 700.0 {
            let squeezed = ring(net, &present, hub, &ring_vpcs, room.floor(), top, internet);
            let apart = squeezed.boxes.iter().enumerate().all(|(i, a)| {
                squeezed.boxes[i + 1..].iter().all(|b| {
                    a.x + a.w + 12.0 <= b.x
                        || b.x + b.w + 12.0 <= a.x
                        || a.y + a.h + 12.0 <= b.y
                        || b.y + b.h + 12.0 <= a.y
                })
            });
            if apart && squeezed.boxes.iter().all(|b| b.x >= 0.0 && b.x + b.w <= room) {
                return squeezed;
            }
        }
        let mut order = present.clone();
        if let Some(h) = hub {
            order.retain(|&v| v != h);
            order.insert(order.len() / 2, h);
        }
        return column(net, &order, room.floor(), top, internet);
    }
    ring(net, &present, hub, &ring_vpcs, width, top, internet)
}

/// The boxes on a ring (a hub in the middle) `width` wide.
fn ring(
    net: &Network,
    present: &[VpcIdx],
    hub: Option<VpcIdx>,
    ring: &[VpcIdx],
    width: f64,
    top: f64,
    internet: bool,
) -> Layout {
    let tallest = present.iter().map(|&v| box_height(net, v)).fold(60.0, f64::max);
    // Radii that keep neighbouring boxes apart: wider rings need a taller ellipse.
    let rx = width / 2.0 - BOX_W / 2.0 - PAD;
    let ry = if hub.is_some() && ring.len() <= 4 {
        // Spokes below the hub sit half a radius lower: clear of it by a box and a label.
        2.0 * tallest + 50.0
    } else if ring.len() <= 3 {
        tallest / 2.0 + 70.0
    } else {
        tallest + 60.0 + ring.len().saturating_sub(5) as f64 * 40.0
    };
    let cy = top + ry + tallest / 2.0;
    let mut centres: Vec<(VpcIdx, f64, f64)> = Vec::new();
    match ring.len() {
        0 => {}
        1 => centres.push((ring[0], width / 2.0, top + tallest / 2.0)),
        2 if hub.is_none() => {
            centres.push((ring[0], PAD + BOX_W / 2.0, top + tallest / 2.0));
            centres.push((ring[1], width - PAD - BOX_W / 2.0, top + tallest / 2.0));
        }
        m => {
            for (k, &v) in ring.iter().enumerate() {
                // Start at the upper left (around a hub: straight up) and go clockwise.
                let start = if hub.is_some() { -90f64 } else { -150f64 };
                let angle = start.to_radians() + k as f64 * std::f64::consts::TAU / m as f64;
                centres.push((v, width / 2.0 + rx * angle.cos(), cy + ry * angle.sin()));
            }
        }
    }
    if let Some(h) = hub {
        centres.push((h, width / 2.0, cy));
    }
    centres.sort_by_key(|c| c.0);
    // Lift the ring so its highest box starts at the top (an ellipse leaves room above it).
    let highest = centres.iter().map(|&(v, _, y)| y - box_height(net, v) / 2.0).fold(f64::INFINITY, f64::min);
    if highest.is_finite() {
        for c in &mut centres {
            c.2 -= highest - top;
        }
    }
    let boxes: Vec<VpcBox> = centres
        .iter()
        .map(|&(v, cx, cyy)| vpc_box(net, v, cx - BOX_W / 2.0, cyy - box_height(net, v) / 2.0, BOX_W))
        .collect();
    let height = boxes.iter().map(|b| b.y + b.h).fold(top + 60.0, f64::max) + PAD;
    let mut out = Layout { boxes, lines: Vec::new(), width, height, internet, column: false };
    add_lines(net, &mut out);
    out
}

/// The boxes one under another in `order`, the connections as arcs right of them: an arc
/// bulges further the more boxes it spans, so arcs nest instead of crossing boxes.
fn column(net: &Network, order: &[VpcIdx], width: f64, top: f64, internet: bool) -> Layout {
    let gutter = gutter(width);
    let w = (width - 2.0 * PAD - gutter).min(BOX_W);
    let mut y = top;
    let mut boxes = Vec::new();
    for &v in order {
        let b = vpc_box(net, v, PAD, y, w);
        y += b.h + 22.0;
        boxes.push(b);
    }
    let height = (y - 22.0 + PAD).max(top + 60.0);
    let mut out = Layout { boxes, lines: Vec::new(), width, height, internet, column: true };
    add_lines(net, &mut out);
    out
}

/// The connections to draw, each with its label placed clear of the others.
fn add_lines(net: &Network, out: &mut Layout) {
    let mut labels: Vec<(f64, f64)> = Vec::new();
    let position = |v: VpcIdx| out.boxes.iter().position(|b| b.vpc == v);
    let mut lines = Vec::new();
    for (i, p) in net.peerings.iter().enumerate() {
        // Ended connections stay drawn while AWS still lists them (VPC-08).
        let shown = net.describe(&p.id, None).is_ok();
        let (Some(a), Some(b)) = (out.box_of(p.requester), out.box_of(p.accepter)) else { continue };
        // An ended connection superseded by a newer one between the same VPCs is not drawn.
        let superseded = net.peerings[i + 1..].iter().any(|q| q.joins(p.requester, p.accepter));
        if !shown || superseded {
            continue;
        }
        let class = match p.state {
            PeeringState::Active => "active",
            PeeringState::PendingAcceptance | PeeringState::InitiatingRequest => "pending",
            PeeringState::Failed => "failed",
            _ => "ended",
        };
        let mut line = match out.column {
            false => PeerLine {
                pcx: i,
                from: a.centre(),
                to: b.centre(),
                bend: None,
                class,
                // An active connection is the usual case (solid green): its id says enough.
                label: match p.state {
                    PeeringState::Active => p.id.clone(),
                    _ => format!("{} · {}", p.id, p.state.code()),
                },
                label_at: (0.0, 0.0),
            },
            true => {
                let span = position(p.requester).zip(position(p.accepter)).map_or(1, |(x, y)| x.abs_diff(y)).max(1);
                let depth = (12.0 + 14.0 * (span - 1) as f64).min(gutter(out.width) - 56.0);
                let (from, to) = ((a.x + a.w, a.centre().1), (b.x + b.w, b.centre().1));
                // A quadratic arc reaches half way to its control point.
                let bend = Some((from.0 + 2.0 * depth, (from.1 + to.1) / 2.0));
                // The colour and dash say the state; the label names the connection.
                PeerLine { pcx: i, from, to, bend, class, label: p.id.clone(), label_at: (0.0, 0.0) }
            }
        };
        // The label goes where it covers least of the boxes' text and the other labels (nothing,
        // nearly always): along the line, starting in the middle.
        let half = line.label.chars().count() as f64 * 3.6 + 6.0;
        let rect = |(x, y): (f64, f64)| (x - half, y - 8.0, 2.0 * half, 16.0);
        let covered = |pt: (f64, f64)| -> f64 {
            let r = rect(pt);
            let boxes = out.boxes.iter().map(|b| (b.x + 8.0, b.y + 4.0, b.w - 16.0, b.h - 8.0));
            let others = labels.iter().map(|&l| rect(l));
            boxes.chain(others).map(|o| overlap(r, o)).sum()
        };
        let mut best = (f64::INFINITY, line.at(0.5));
        for t in [0.5, 0.36, 0.64, 0.26, 0.74, 0.43, 0.57, 0.2, 0.8] {
            let (x, y) = line.at(t);
            let pt = if out.column { ((x + half).min(out.width - half - 2.0), y) } else { (x, y) };
            let area = covered(pt);
            if area < best.0 {
                best = (area, pt);
            }
        }
        line.label_at = best.1;
        labels.push(line.label_at);
        lines.push(line);
    }
    out.lines = lines;
}

fn vpc_box(net: &Network, vpc: VpcIdx, x: f64, y: f64, w: f64) -> VpcBox {
    let v = &net.vpcs[vpc];
    let mut subnets = Vec::new();
    let mut instances = Vec::new();
    let mut line_y = y + head_height(v);
    for (s, subnet) in v.subnets.iter().enumerate() {
        subnets.push((line_y + 11.0, format!("{} {}", subnet.name, subnet.cidr)));
        line_y += SUBNET_H;
        for inst in v.instances.iter().filter(|i| i.subnet == s) {
            instances.push(InstanceDot {
                name: inst.name.clone(),
                ip: inst.ip.to_string(),
                x: x + 30.0,
                y: line_y + 9.0,
            });
            line_y += INSTANCE_H;
        }
    }
    VpcBox {
        vpc,
        x,
        y,
        w,
        h: box_height(net, vpc),
        title: v.name.clone(),
        owner: shows_owner(v).then(|| format!("{} · {}", v.account, v.region)),
        cidrs: v.cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        igw: v.igw,
        subnets,
        instances,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::vpc::presets::PRESETS;

    fn overlaps(a: &VpcBox, b: &VpcBox) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    /// No two boxes overlap and everything fits the width, in every preset and a mesh of eight.
    #[test]
    fn boxes_never_overlap() {
        let mut scenarios: Vec<_> = PRESETS.iter().map(|p| (p.scenario)()).collect();
        let mut eight = (PRESETS[0].scenario)();
        eight.ops = ["A", "B", "C", "D", "E", "F", "G", "H"]
            .iter()
            .zip(0u8..)
            .flat_map(|(n, i)| crate::scenes::vpc::presets::vpc_lines(n, i))
            .chain(std::iter::once("mesh A B C D E F G H".to_owned()))
            .filter_map(|l| engine::vpc::Op::parse(&l).ok())
            .collect();
        scenarios.push(eight);
        for s in scenarios {
            let (net, _) = s.build();
            for room in [240.0, 300.0, 360.0, 640.0, 700.0, 745.0, 800.0, 1000.0] {
                let l = layout(&net, room);
                assert!(l.width <= room.max(240.0), "{} wide in {room}", l.width);
                for (i, a) in l.boxes.iter().enumerate() {
                    assert!(a.x >= 0.0 && a.x + a.w <= l.width, "{a:?}");
                    for b in &l.boxes[i + 1..] {
                        assert!(!overlaps(a, b), "{} and {} overlap", a.title, b.title);
                    }
                }
                // On a column, arcs and their labels stay right of the boxes and inside the frame.
                if l.column {
                    for line in &l.lines {
                        for t in [0.1, 0.3, 0.5, 0.7, 0.9] {
                            let (x, _) = line.at(t);
                            assert!(x >= l.boxes[0].x + l.boxes[0].w - 0.01 && x <= l.width, "{room}: {line:?}");
                        }
                        let half = line.label.chars().count() as f64 * 3.6;
                        assert!(line.label_at.0 + half <= l.width, "{room}: label of {line:?}");
                    }
                }
            }
        }
    }

    /// The code of a stopped packet is placed clear of the badges and labels where it stops.
    #[test]
    fn a_stop_code_covers_no_other_text() {
        let mut stops = 0;
        for p in PRESETS {
            let scenario = (p.scenario)();
            let (net, _) = scenario.build();
            for room in [300.0, 1000.0] {
                let l = layout(&net, room);
                let Ok(t) = crate::scenes::vpc::packet::trace(&net, &l, &scenario.packet) else { continue };
                let Some(at) = t.hops.iter().rev().find_map(|h| h.point) else { continue };
                if !t.blocked {
                    continue;
                }
                stops += 1;
                let (cx, by) = l.free_spot(at, t.code.len());
                let w = t.code.len() as f64 * 8.0 + 4.0;
                let r = (cx - w / 2.0, by - 12.0, w, 15.0);
                for o in l.text_rects() {
                    let apart = r.0 >= o.0 + o.2 || o.0 >= r.0 + r.2 || r.1 >= o.1 + o.3 || o.1 >= r.1 + r.3;
                    assert!(apart, "{} at {room}: {} at {r:?} covers {o:?}", p.key, t.code);
                }
            }
        }
        assert!(stops >= 6, "{stops} stopped packets checked");
    }

    #[test]
    fn the_hub_sits_in_the_middle() {
        let (net, _) = crate::scenes::preset::scenario_of(&crate::scenes::vpc::presets::PRESETS, "hub-spoke").build();
        let l = layout(&net, 1000.0);
        let shared = l.box_of(net.vpc_named("Shared").unwrap()).unwrap();
        assert!((shared.centre().0 - l.width / 2.0).abs() < 1.0);
        assert_eq!(l.lines.len(), 3);
    }
}
