"""Plain-text explanations: a rule described (``rules show``), an incident evaluated
(``explain``), every element and exception with the facts that decided it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ihltag.dataset import expand, find_root
from ihltag.diagnostics import did_you_mean
from ihltag.engine import Engine
from ihltag.formats.ci import group_text
from ihltag.i18n import ENGLISH, N_, Translator
from ihltag.results import CheckRun, FileResult, Finding
from ihltag.rules import DeclaredDefault, Rule


def describe_rule(rule: Rule, tr: Translator = ENGLISH) -> str:
    """``rules show``: the rule in ``tr``'s language (its own translation where the rule
    file has one, the catalog for the labels)."""
    _ = tr.gettext
    rule = rule.in_lang(tr.lang)
    lines = [f"{rule.id} — {rule.title}", "", *rule.text.splitlines(), "",
             _("ICRC: {url}").format(url=rule.icrc)]
    if rule.related:
        lines.append(_("Related: {rules}").format(rules=", ".join(rule.related)))
    lines.append(_("Applies in: {conflicts}; reaches at most: {status}").format(
        conflicts=", ".join(tr.vocab("classification", c) for c in sorted(rule.applies_to)),
        status=tr.vocab("status", rule.max_status)))
    for p in rule.war_crimes:
        provision = tr.provision(p.provision) + (f" {p.note}" if p.note else "")
        if p.when is not None:
            lines.append(_("War crime (on a violation no presumption decided, when {condition}): "
                           "{provision}").format(condition=p.when.describe(), provision=provision))
        else:
            lines.append(_("War crime (on a violation no presumption decided): {provision}")
                         .format(provision=provision))
    if rule.no_war_crime:
        lines.append(_("War crime: none — {reason}").format(reason=rule.no_war_crime))
    lines += ["", _("Elements (all must hold):")]
    for c in rule.elements:
        lines.append(f"  - {c.id}: {c.description}")
    if rule.exceptions:
        lines += ["", _("Exceptions (any one defeats the rule):")]
        for c in rule.exceptions:
            lines.append(f"  - {c.id}: {c.description}")
    if rule.defaults:
        lines += ["", _("Declared defaults for omitted facts (presumptions are off with "
                        "--no-presumptions; required records always apply):")]
        lines += [f"  - {_default(d, tr)}" for d in rule.defaults]
    lines += ["", _("Inline tests: {count}; file: {path}").format(count=len(rule.tests),
                                                                path=rule.path), ""]
    return _join(lines)


def _default(d: DeclaredDefault, tr: Translator) -> str:
    if tr.lang == "en":
        return str(d)
    _ = tr.gettext
    shown = d.counts_as or ("true" if d.value else "false")
    shown = tr.vocab("tri", shown) if shown in ("true", "false") else shown
    text = _("{clause}: omitted {fact} counts as {value} — {kind}: {basis}").format(
        clause=d.clause, fact=d.fact, value=shown, kind=tr.vocab("default", d.kind), basis=d.basis)
    if d.unless:
        text += " " + _("Not applied when: {condition}.").format(condition=d.unless)
    return text


def _join(lines: list[str]) -> str:
    """One output line per entry: a value's own line breaks and control characters are
    escaped, and no line can be a GitHub workflow command (a hostile rule pack or file)."""
    from ihltag.safetext import safe_line

    return "\n".join(safe_line(line) for line in lines)


def find_incident(name: str, dataset: Sequence[Path]) -> Path:
    """An incident file by id (its file name) anywhere in the dataset.

    ``DatasetError`` when the dataset cannot be found (no root: that, not "no incident",
    is what the user must fix); ``LookupError`` naming the closest id when no file has it."""
    root = find_root(dataset)
    ids: list[str] = []
    for path in expand([root], root):
        stem = path.name.rsplit(".", 1)[0]
        if stem == name:
            return path
        ids.append(stem)
    raise LookupError(f"no incident '{name}' in the dataset {root}{did_you_mean(name, ids)}")


def explain_incident(run: CheckRun, result: FileResult, rule_ids: set[str] | None,
                     presumptions: bool = True, tr: Translator = ENGLISH) -> str:
    """``explain``: every rule on every act of one incident, in ``tr``'s language. The
    traces (``because …``) name facts as the file writes them."""
    _ = tr.gettext
    incident = result.incident
    assert incident is not None
    engine = Engine(run.pack, run.registry, presumptions=presumptions)
    nexus = run.registry.nexus(incident)
    lines = [f"{incident.id} — {incident.title}", f"{result.file}", "",
             _("party: {party}; nexus: {nexus} ({why})").format(
                 party=tr.tri(nexus.party), nexus=tr.tri(nexus.nexus), why=nexus.why),
             _("conflicts: {ids}").format(ids=", ".join(c.id for c in nexus.conflicts)
                                          or _("none")),
             _("law in force on {date}: {law}").format(date=tr.date(str(incident.date)),
                                                      law=_law(nexus.law, tr))]
    if not presumptions:
        lines.append(_("presumptions: off (--no-presumptions): omitted facts stay unknown"))
    lines.append("")
    findings = engine.evaluate(incident, everything=True, rule_ids=rule_ids)
    for i, act in enumerate(incident.acts):
        if act.means:
            desc = _("{type} on {target} by {means}").format(
                type=tr.vocab("act.type", act.type), target=tr.vocab("act.target", act.target),
                means=tr.vocab("act.means", act.means))
        else:
            desc = _("{type} on {target}").format(type=tr.vocab("act.type", act.type),
                                                  target=tr.vocab("act.target", act.target))
        lines.append(_("acts[{i}] (line {line}): {act}").format(i=i, line=result.acts_lines[i],
                                                               act=desc))
        if act.perpetrators:
            own = run.registry.act_nexus(incident, act, nexus)
            who = ", ".join(f"{p.actor} ({tr.vocab('attribution', p.attribution)})"
                            for p in act.perpetrators)
            lines.append("  " + _("its own perpetrators: {who}; party: {party}; nexus: {nexus} "
                                  "({why}); law in force: {law}").format(
                who=who, party=tr.tri(own.party), nexus=tr.tri(own.nexus), why=own.why,
                law=_law(own.law, tr)))
        mine = [f for f in findings if f.act == i]
        possible = [f for f in mine if f.status == "possible"]
        if possible:
            lines.append(f"  {_group(i, possible, tr)}")
        for f in mine:
            lines.extend(_finding(f, run.pack.by_id.get(f.rule), tr))
        lines.append("")
    return _join(lines)


# The engine's trace words (rulelang, registry), translated where a trace is shown; the
# facts and values it quotes stay as the file writes them.
TRACE_WORDS = (N_("presumptions are switched off"), N_("the record raises the doubt"),
               N_("perpetrator not identified"), N_("no conflict fits"), N_("required record"),
               N_("not applied"), N_("not known"), N_("counts as"), N_("presumption"),
               N_("presumed"), N_("omitted"), N_("undecided"), N_("unknown"), N_("supporting"))
# What the shipped rules leave open in words ({unknown: …}); another pack's stay English.
UNDECIDED = (N_("the record does not say whether any were under fifteen"),
             N_("the record does not say whether these persons were civilians"),
             N_("whether a levy by a party controlling the area is pillage is contested"),
             N_("whether the necessity was imperative is for a lawyer to judge"),
             N_("whether the reason was real and sufficient is for a lawyer to judge"))


def localize_trace(trace: str, rule: Rule | None, words: Rule, tr: Translator) -> str:
    """An English trace in ``tr``'s language: the rule's bases by its own translation,
    the engine's words by the catalog, true/false as words; facts and values as written."""
    if tr.lang == "en":
        return trace
    import re

    if rule is not None:
        for en, fr in zip(rule.defaults, words.defaults, strict=True):
            trace = trace.replace(en.basis, fr.basis)
    for text in UNDECIDED:
        trace = trace.replace(text, tr.gettext(text))
    for kind in ("non_state_armed_group", "state_armed_forces", "foreign_state_forces",
                 "private_military_company", "militia"):
        trace = trace.replace(kind.replace("_", " "), tr.vocab("actor.kind", kind))
    for phrase in TRACE_WORDS:
        trace = re.sub(rf"(?<![\w.]){re.escape(phrase)}\b", tr.gettext(phrase).replace("\\", r"\\"),
                       trace)
    return re.sub(r"(?<=[=] )(true|false)\b|(?<=\s)(true|false)(?= \()",
                  lambda m: tr.tri(m.group()), trace)


def _group(act: int, possible: list[Finding], tr: Translator) -> str:
    if tr.lang == "en":
        return group_text(act, possible)
    facts: list[str] = []
    for f in possible:
        facts += [x for x in f.decide if x not in facts]
    parts = [tr.gettext("to decide, record: {facts}").format(facts=", ".join(facts))] if facts else []
    flags = [f.rule for f in possible if not f.decide]
    if flags:
        parts.append(tr.gettext("{rules}: a flag for review (the decisive judgement is not a "
                                "recorded fact)").format(rules=", ".join(flags)))
    return tr.gettext("possible: {rules} on acts[{act}]").format(
        rules=", ".join(f.rule for f in possible), act=act) + " — " + "; ".join(parts)


def _law(law: tuple[str, ...] | None, tr: Translator) -> str:
    _ = tr.gettext
    if law is None:
        return _("not established (no single conflict fits, or its law is not recorded)")
    return ", ".join(tr.vocab("law", x) if tr.lang != "en" else x for x in law) \
        or _("none recorded")


def _finding(f: Finding, rule: Rule | None, tr: Translator) -> list[str]:
    _ = tr.gettext
    words = rule.in_lang(tr.lang) if rule is not None else None
    title = words.title if words is not None else f.title
    if f.status:
        verdict = f.status.upper() if tr.lang == "en" else tr.vocab("status", f.status).upper()
    else:
        verdict = _("no finding")
    if f.presumed:
        verdict += " " + _("(presumed)")
    lines = [f"  {f.rule} {title}: {verdict}" + (f" — {f.note}" if f.note else "")]
    described = {c.id: c.description for c in (*words.elements, *words.exceptions)} if words else {}
    for label, items in ((_("element"), f.elements), (_("exception"), f.exceptions)):
        for e in items:
            lines.append(f"    {label} {e.id} = {tr.tri(e.value)}: {described.get(e.id, e.description)}")
            if e.because:
                trace = e.because if words is None else localize_trace(e.because, rule, words, tr)
                lines.append("      " + _("because {trace}").format(trace=trace))
            if e.default:
                basis = e.basis or ""
                if words is not None:
                    basis = next((x.basis for x in words.defaults if x.clause == e.id), basis)
                lines.append("      " + _("decided by a declared default ({kind}): {basis}").format(
                    kind=tr.vocab("default", e.default), basis=basis))
    if f.status == "possible" and f.decide:
        lines.append("    " + _("to decide, record: {facts}").format(facts=", ".join(f.decide)))
    if tr.lang == "en" or words is None:
        lines += [f"    {text}" for text in f.war_crime_texts()]
    else:
        notes = {p.provision: p.note for p in words.war_crimes}
        lines += [f"    {tr.war_crime(w.provision, notes.get(w.provision, ''))}"
                  for w in f.war_crimes_shown()]
    return lines
