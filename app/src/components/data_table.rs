use leptos::prelude::*;

use crate::components::styles::CARD;

/// One column heading of a [`DataTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The heading.
    pub label: &'static str,
    /// Read by screen readers only (a column of buttons, say).
    pub visually_hidden: bool,
}

/// A column with a visible heading.
pub const fn col(label: &'static str) -> Column {
    Column {
        label,
        visually_hidden: false,
    }
}

/// A column whose heading only screen readers read.
pub const fn hidden_col(label: &'static str) -> Column {
    Column {
        label,
        visually_hidden: true,
    }
}

/// Where a table sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    /// A list page's main table: its own card, a shaded heading row.
    #[default]
    Card,
    /// Inside a card that already frames it.
    Inline,
}

impl Placement {
    /// The padding of every cell, for the rows to use (`<td class=…>`).
    pub const fn cell(self) -> &'static str {
        match self {
            Self::Card => "px-4 py-2",
            Self::Inline => "py-1 pr-4",
        }
    }
}

/// A list page's table: a labelled `<table>` that scrolls inside its own box on a narrow
/// screen (never the page), headings from `columns`, and the caller's rows (`<tr>`s whose
/// cells use [`Placement::cell`]).
#[component]
pub fn DataTable(
    /// The table's accessible name.
    label: &'static str,
    /// Its column headings.
    columns: &'static [Column],
    /// A card of its own, or inside one.
    #[prop(optional)]
    placement: Placement,
    /// Spacing around it (`mt-6`).
    #[prop(optional)]
    class: &'static str,
    /// The rows.
    children: Children,
) -> impl IntoView {
    // `relative` keeps an absolutely positioned screen-reader heading inside the scroll box.
    let (wrapper, table, head, body) = match placement {
        Placement::Card => (
            format!("{CARD} {class} relative overflow-x-auto p-0"),
            "min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800",
            "bg-slate-50 text-left text-xs font-semibold uppercase tracking-wider text-slate-500 dark:bg-slate-900 dark:text-slate-400",
            "divide-y divide-slate-100 dark:divide-slate-800",
        ),
        Placement::Inline => (
            format!("{class} relative overflow-x-auto"),
            "min-w-full text-sm",
            "text-left text-xs uppercase text-slate-500 dark:text-slate-400",
            "",
        ),
    };
    let cell = placement.cell();
    view! {
        <div class=wrapper>
            <table class=table aria-label=label>
                <thead class=head>
                    <tr>
                        {columns.iter().map(|c| {
                            let text = if c.visually_hidden {
                                view! { <span class="sr-only">{c.label}</span> }.into_any()
                            } else {
                                c.label.into_any()
                            };
                            view! { <th scope="col" class=cell>{text}</th> }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class=body>{children()}</tbody>
            </table>
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[col("Name"), hidden_col("Actions")];

    #[test]
    fn headings_label_and_rows_render_in_one_scrolling_table() {
        let html = view! {
            <DataTable label="Things" columns=COLUMNS placement=Placement::Inline class="mt-3">
                <tr data-testid="row"><td class=Placement::Inline.cell()>"a"</td><td>"b"</td></tr>
            </DataTable>
        }
        .to_html()
        // Leptos's hydration markers: with erased component types every text child and view
        // boundary gets one; they are not content.
        .replace("<!>", "");
        assert!(
            html.contains(r#"class="mt-3 relative overflow-x-auto""#),
            "{html}"
        );
        assert!(html.contains(r#"aria-label="Things""#), "{html}");
        assert!(
            html.contains(r#"<th scope="col" class="py-1 pr-4">Name</th>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="sr-only">Actions</span>"#),
            "{html}"
        );
        assert!(html.contains(r#"<tr data-testid="row">"#), "{html}");
        let card = view! { <DataTable label="T" columns=COLUMNS><tr></tr></DataTable> }.to_html();
        assert!(
            card.contains("rounded-lg") && card.contains("bg-slate-50"),
            "{card}"
        );
    }
}
