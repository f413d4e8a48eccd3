//! Tailwind class sets shared by many components, so forms and cards look alike everywhere.

/// A white (dark: slate) panel.
pub const CARD: &str = "rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900";
/// A form label.
pub const LABEL: &str = "block text-sm font-medium text-slate-700 dark:text-slate-300";
/// A text input.
pub const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm \
    shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 \
    dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";
/// The main action of a form.
pub const BUTTON_PRIMARY: &str = "inline-flex shrink-0 items-center justify-center whitespace-nowrap rounded-md bg-indigo-600 px-4 py-2 \
    text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline \
    focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 \
    disabled:cursor-not-allowed disabled:opacity-60";
/// A secondary action.
pub const BUTTON_SECONDARY: &str = "inline-flex shrink-0 items-center justify-center whitespace-nowrap rounded-md border border-slate-300 \
    bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 \
    focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 \
    dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800";
/// A page's main heading.
pub const PAGE_TITLE: &str = "text-2xl font-semibold tracking-tight";
/// Secondary text.
pub const MUTED: &str = "text-sm text-slate-600 dark:text-slate-400";
/// A field-level validation message.
pub const FIELD_ERROR: &str = "mt-1 text-sm text-red-700 dark:text-red-400";
