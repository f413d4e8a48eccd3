//! The export page's decisions: which download links are offered, how a diff line is shown,
//! and the import form's files as an import request.

use trust_core::export::{ImportInput, diff::Line};

use crate::api::export::ArtifactDiff;

/// The download URL of the zip (the JSON API; the session cookie authenticates it).
pub fn zip_href(deployment: &str, draft: bool) -> String {
    let base = format!(
        "/api/v1/deployments/{}/export/zip",
        crate::nav::urlencode(deployment)
    );
    if draft {
        format!("{base}?draft=true")
    } else {
        base
    }
}

/// Whether the export may be downloaded: nothing blocks it, or the admin chose a draft.
pub fn can_download(blocking: usize, draft: bool) -> bool {
    blocking == 0 || draft
}

/// A diff line as shown: its marker, its text and its colour classes.
pub fn diff_line(line: &Line) -> (&'static str, &str, &'static str) {
    match line {
        Line::Same(text) => (" ", text, "text-slate-600 dark:text-slate-400"),
        Line::Added(text) => (
            "+",
            text,
            "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
        ),
        Line::Removed(text) => (
            "-",
            text,
            "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300",
        ),
    }
}

/// The changed lines of a diff with up to `context` unchanged lines around each change;
/// `None` marks a gap of unchanged lines left out.
pub fn with_context(diff: &ArtifactDiff, context: usize) -> Vec<Option<Line>> {
    let changed: Vec<usize> = diff
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, Line::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| {
        changed
            .iter()
            .any(|&c| i + context >= c && i <= c + context)
    };
    let mut out = Vec::new();
    let mut gap = false;
    for (i, line) in diff.lines.iter().enumerate() {
        if near(i) {
            out.push(Some(line.clone()));
            gap = false;
        } else if !gap {
            out.push(None);
            gap = true;
        }
    }
    out
}

/// What the admin pasted or uploaded into the import form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportDraft {
    /// `elasticsearch.yml`.
    pub yml: String,
    /// Keystore values as flat YAML.
    pub secure_settings: String,
    /// `GET /_security/role_mapping` output.
    pub role_mappings: String,
    /// `GET /_security/role` output.
    pub roles: String,
}

impl ImportDraft {
    /// The import request, or what is missing.
    ///
    /// # Errors
    /// `(field, message)` when no file was given at all.
    pub fn input(&self) -> Result<ImportInput, (&'static str, &'static str)> {
        let given = |text: &str| (!text.trim().is_empty()).then(|| text.to_owned());
        let input = ImportInput {
            yml: self.yml.clone(),
            secure_settings: given(&self.secure_settings),
            role_mappings: given(&self.role_mappings),
            roles: given(&self.roles),
            files: Default::default(),
        };
        if input.yml.trim().is_empty()
            && input.role_mappings.is_none()
            && input.roles.is_none()
            && input.secure_settings.is_none()
        {
            return Err((
                "import-yml",
                "paste or upload an elasticsearch.yml (or role mappings or roles JSON) to import",
            ));
        }
        Ok(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_link_names_the_deployment_and_the_draft() {
        assert_eq!(
            zip_href("prod", false),
            "/api/v1/deployments/prod/export/zip"
        );
        assert_eq!(
            zip_href("prod", true),
            "/api/v1/deployments/prod/export/zip?draft=true"
        );
        assert!(can_download(0, false));
        assert!(!can_download(2, false));
        assert!(can_download(2, true));
    }

    #[test]
    fn context_keeps_lines_near_changes_and_marks_gaps() {
        let same = |s: &str| Line::Same(s.to_owned());
        let diff = ArtifactDiff {
            file: "f".to_owned(),
            lines: vec![
                same("a"),
                same("b"),
                same("c"),
                Line::Added("d".to_owned()),
                same("e"),
                same("f"),
                same("g"),
            ],
            changed: true,
        };
        assert_eq!(
            with_context(&diff, 1),
            vec![
                None,
                Some(same("c")),
                Some(Line::Added("d".to_owned())),
                Some(same("e")),
                None
            ]
        );
        assert_eq!(diff_line(&Line::Removed("x".to_owned())).0, "-");
    }

    #[test]
    fn an_empty_import_is_refused_with_the_field() {
        assert_eq!(ImportDraft::default().input().unwrap_err().0, "import-yml");
        let draft = ImportDraft {
            yml: "cluster.name: x\n".to_owned(),
            roles: "  ".to_owned(),
            ..ImportDraft::default()
        };
        let input = draft.input().unwrap();
        assert_eq!(input.roles, None);
        assert_eq!(input.yml, "cluster.name: x\n");
    }
}
