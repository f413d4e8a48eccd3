//! Trust between managed deployments as a picture: each deployment a circle on a ring, each
//! trust an arrow from the trusting deployment to the trusted one. A trust that goes both ways
//! is one line with two heads; a one-way trust is dashed, with one head.

use std::collections::BTreeSet;

use trust_core::trust::environment::TrustEdge;

/// Width and height of the drawing (the SVG scales to its box).
pub const SIZE: i32 = 360;
/// Radius of a deployment's circle.
pub const NODE_RADIUS: i32 = 26;
/// Radius of the ring the circles sit on.
const RING: f64 = 120.0;

/// A deployment in the picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphNode {
    /// Deployment name.
    pub name: String,
    /// Centre.
    pub x: i32,
    /// Centre.
    pub y: i32,
}

/// One line: a trust, or two trusts between the same pair when `mutual`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphLink {
    /// The trusting deployment (for a mutual pair, the first by name).
    pub from: String,
    /// The trusted one.
    pub to: String,
    /// The environments that grant it (both directions' for a mutual pair), each once.
    pub via: Vec<String>,
    /// Whether `to` trusts `from` too.
    pub mutual: bool,
    /// Start, on the edge of `from`'s circle.
    pub x1: i32,
    /// Start.
    pub y1: i32,
    /// End, on the edge of `to`'s circle.
    pub x2: i32,
    /// End.
    pub y2: i32,
}

/// What the picture shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphPicture {
    /// The deployments that trust or are trusted.
    pub nodes: Vec<GraphNode>,
    /// The trusts.
    pub links: Vec<GraphLink>,
}

impl GraphPicture {
    /// The text alternative: one clause per line.
    pub fn description(&self) -> String {
        let clauses: Vec<String> = self
            .links
            .iter()
            .map(|l| {
                if l.mutual {
                    format!("{} and {} trust each other", l.from, l.to)
                } else {
                    format!(
                        "{} trusts {} (one way: {} does not trust it back)",
                        l.from, l.to, l.to
                    )
                }
            })
            .collect();
        format!("Trust between managed deployments: {}.", clauses.join("; "))
    }

    /// How many trusts go one way only.
    pub fn one_way(&self) -> usize {
        self.links.iter().filter(|l| !l.mutual).count()
    }
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "coordinates within the drawing"
)]
fn round(v: f64) -> i32 {
    v.round() as i32
}

/// Lays out `edges` (one per trusting direction, as the trust overview lists them).
pub fn trust_graph(edges: &[TrustEdge]) -> GraphPicture {
    let names: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    let count = names.len().max(1);
    let centre = f64::from(SIZE) / 2.0;
    let nodes: Vec<GraphNode> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            // From the top, clockwise.
            #[allow(clippy::cast_precision_loss, reason = "a handful of deployments")]
            let angle =
                std::f64::consts::TAU * (i as f64) / (count as f64) - std::f64::consts::FRAC_PI_2;
            GraphNode {
                name: (*name).to_owned(),
                x: round(centre + RING * angle.cos()),
                y: round(centre + RING * angle.sin()),
            }
        })
        .collect();
    let at = |name: &str| {
        nodes
            .iter()
            .find(|n| n.name == name)
            .map_or((0.0, 0.0), |n| (f64::from(n.x), f64::from(n.y)))
    };
    let mut links: Vec<GraphLink> = Vec::new();
    for edge in edges {
        if edge.mutual {
            // One line for the pair, drawn once (from the first name).
            let (a, b) = if edge.from <= edge.to {
                (&edge.from, &edge.to)
            } else {
                (&edge.to, &edge.from)
            };
            if let Some(link) = links
                .iter_mut()
                .find(|l| l.mutual && &l.from == a && &l.to == b)
            {
                if !link.via.contains(&edge.via) {
                    link.via.push(edge.via.clone());
                }
                continue;
            }
            links.push(line(a, b, &edge.via, true, at(a), at(b)));
        } else {
            links.push(line(
                &edge.from,
                &edge.to,
                &edge.via,
                false,
                at(&edge.from),
                at(&edge.to),
            ));
        }
    }
    GraphPicture { nodes, links }
}

/// A line from the rim of one circle to the rim of the other (room for the arrowheads).
fn line(from: &str, to: &str, via: &str, mutual: bool, a: (f64, f64), b: (f64, f64)) -> GraphLink {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx.hypot(dy).max(1.0);
    let inset = f64::from(NODE_RADIUS) + 4.0;
    let (ux, uy) = (dx / length, dy / length);
    GraphLink {
        from: from.to_owned(),
        to: to.to_owned(),
        via: vec![via.to_owned()],
        mutual,
        x1: round(a.0 + ux * inset),
        y1: round(a.1 + uy * inset),
        x2: round(b.0 - ux * inset),
        y2: round(b.1 - uy * inset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: &str, to: &str, via: &str, mutual: bool) -> TrustEdge {
        TrustEdge {
            from: from.into(),
            to: to.into(),
            via: via.into(),
            mutual,
        }
    }

    #[test]
    fn a_mutual_pair_is_one_line_and_a_one_way_trust_its_own() {
        let picture = trust_graph(&[
            edge("prod", "search", "env-a", true),
            edge("search", "prod", "env-b", true),
            edge("logs", "prod", "env-c", false),
        ]);
        let names: Vec<&str> = picture.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["logs", "prod", "search"]);
        assert_eq!(picture.links.len(), 2);
        let mutual = &picture.links[0];
        assert_eq!(
            (mutual.from.as_str(), mutual.to.as_str(), mutual.mutual),
            ("prod", "search", true)
        );
        assert_eq!(mutual.via, ["env-a", "env-b"]);
        let one_way = &picture.links[1];
        assert_eq!(
            (one_way.from.as_str(), one_way.to.as_str(), one_way.mutual),
            ("logs", "prod", false)
        );
        assert_eq!(picture.one_way(), 1);
        let text = picture.description();
        assert!(text.contains("prod and search trust each other"), "{text}");
        assert!(
            text.contains("logs trusts prod (one way: prod does not trust it back)"),
            "{text}"
        );
    }

    #[test]
    fn circles_sit_on_the_ring_and_lines_stop_at_their_rims() {
        let picture = trust_graph(&[edge("a", "b", "env", false)]);
        // Two deployments: top and bottom of the ring.
        assert_eq!((picture.nodes[0].x, picture.nodes[0].y), (180, 60));
        assert_eq!((picture.nodes[1].x, picture.nodes[1].y), (180, 300));
        let link = &picture.links[0];
        assert_eq!((link.x1, link.y1, link.x2, link.y2), (180, 90, 180, 270));
        for n in &picture.nodes {
            assert!(
                n.x - NODE_RADIUS >= 0 && n.x + NODE_RADIUS <= SIZE,
                "{n:?} inside"
            );
            assert!(
                n.y - NODE_RADIUS >= 0 && n.y + NODE_RADIUS <= SIZE,
                "{n:?} inside"
            );
        }
    }
}
