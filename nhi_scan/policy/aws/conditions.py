"""IAM ``Condition`` blocks, compiled once and evaluated in three-valued logic.

Rules (from the IAM condition-operator documentation), per operator/key pair:

- All operators of a block, and all keys of an operator, must hold (AND). The values listed for one key are
  alternatives (OR); a negated operator (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``...) holds when the
  request value matches *none* of them.
- Key absent from the request: positive operators are FALSE, negated operators TRUE; ``...IfExists`` is TRUE;
  ``ForAllValues:`` is TRUE (vacuous) and ``ForAnyValue:`` FALSE. ``Null`` tests presence: ``"true"`` holds when
  the key is absent, ``"false"`` when present.
- ``ForAnyValue:`` holds if some request value satisfies the operator, ``ForAllValues:`` if every one does. With a
  negated operator the negation applies per request value.
- A key unknowable offline makes the pair UNKNOWN (whatever the operator), as does an unsupported operator or a
  malformed block (noted). A policy variable in a value that is unknowable offline makes that value UNKNOWN.
- ``Arn*`` match each ARN segment separately with wildcards (``ArnEquals`` behaves like ``ArnLike``); ``String*``
  are case-sensitive except ``*IgnoreCase``; ``Bool`` compares ``true``/``false`` case-insensitively; ``Date*``
  accept ISO 8601 or epoch seconds on both sides; unparsable numbers, dates or addresses never match.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from nhi_scan.policy.aws.context import UNKNOWN, RequestContext, has_variables, substitute
from nhi_scan.policy.aws.patterns import Kind, Segments, compile_alternation, compile_segments, segments_text
from nhi_scan.policy.aws.tri import Tri


class Family(enum.Enum):
    STRING = "string"
    STRING_ICASE = "string-icase"
    STRING_LIKE = "string-like"
    ARN = "arn"
    NUMERIC = "numeric"
    DATE = "date"
    BOOL = "bool"
    BINARY = "binary"
    IP = "ip"
    NULL = "null"


_Compare = Callable[[float, float], bool]
_Matcher = Callable[[str], Tri]

_COMPARISONS: dict[str, tuple[_Compare, bool]] = {
    "equals": (lambda a, b: a == b, False),
    "notequals": (lambda a, b: a == b, True),
    "lessthan": (lambda a, b: a < b, False),
    "lessthanequals": (lambda a, b: a <= b, False),
    "greaterthan": (lambda a, b: a > b, False),
    "greaterthanequals": (lambda a, b: a >= b, False),
}

_OPERATORS: dict[str, tuple[Family, bool]] = {
    "stringequals": (Family.STRING, False),
    "stringnotequals": (Family.STRING, True),
    "stringequalsignorecase": (Family.STRING_ICASE, False),
    "stringnotequalsignorecase": (Family.STRING_ICASE, True),
    "stringlike": (Family.STRING_LIKE, False),
    "stringnotlike": (Family.STRING_LIKE, True),
    "arnequals": (Family.ARN, False),
    "arnlike": (Family.ARN, False),
    "arnnotequals": (Family.ARN, True),
    "arnnotlike": (Family.ARN, True),
    "bool": (Family.BOOL, False),
    "binaryequals": (Family.BINARY, False),
    "ipaddress": (Family.IP, False),
    "notipaddress": (Family.IP, True),
    "null": (Family.NULL, False),
}
for _suffix, (_fn, _neg) in _COMPARISONS.items():
    _OPERATORS[f"numeric{_suffix}"] = (Family.NUMERIC, _neg)
    _OPERATORS[f"date{_suffix}"] = (Family.DATE, _neg)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledCondition:
    """One operator/key pair with its policy values, ready to evaluate."""

    operator: str
    key: str
    family: Family | None
    negated: bool
    set_op: str | None
    if_exists: bool
    values: tuple[str, ...]
    compare: _Compare | None = None
    #: Matcher for the variable-free values, built once at compile time.
    static: _Matcher | None = None
    #: Values holding policy variables: substituted per evaluation.
    dynamic: tuple[str, ...] = ()

    def evaluate(self, context: RequestContext) -> Tri:
        return _evaluate(self, context)


def _parse_operator(operator: str) -> tuple[str | None, str, bool]:
    lowered = operator.lower()
    set_op: str | None = None
    for prefix, name in (("foranyvalue:", "any"), ("forallvalues:", "all")):
        if lowered.startswith(prefix):
            set_op, lowered = name, lowered[len(prefix) :]
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    return set_op, lowered.removesuffix("ifexists") if if_exists else lowered, if_exists


def _values(raw: object) -> tuple[str, ...] | None:
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            return None
    return tuple(out)


def _broken(operator: str, key: str) -> CompiledCondition:
    return CompiledCondition(
        operator=operator, key=key, family=None, negated=False, set_op=None, if_exists=False, values=()
    )


def compile_conditions(block: object, notes: list[str], *, variables: bool = True) -> tuple[CompiledCondition, ...]:
    """Compile a ``Condition`` block; anything malformed or unsupported becomes an UNKNOWN pair and a note.

    ``variables=False`` (policy Version 2008-10-17 or none) keeps ``${...}`` as literal text, as AWS does.
    """
    if block is None:
        return ()
    if not isinstance(block, Mapping):
        notes.append("Condition is not an object: treated as unknown")
        return (_broken("?", "?"),)
    compiled: list[CompiledCondition] = []
    for operator, body in block.items():
        operator = str(operator)
        if not isinstance(body, Mapping):
            notes.append(f"Condition operator {operator} has no key/value object: treated as unknown")
            compiled.append(_broken(operator, "?"))
            continue
        set_op, base, if_exists = _parse_operator(operator)
        family, negated = _OPERATORS.get(base, (None, False))
        if family is None:
            notes.append(f"unsupported condition operator {operator}: treated as unknown")
        compare = None
        if family in (Family.NUMERIC, Family.DATE):
            compare = _COMPARISONS[base.removeprefix("numeric").removeprefix("date")][0]
        for key, raw in body.items():
            values = _values(raw)
            if values is None:
                notes.append(f"condition {operator} {key}: values are not strings: treated as unknown")
                compiled.append(_broken(operator, str(key)))
                continue
            plain = tuple(v for v in values if not (variables and has_variables(v)))
            static = _STATIC[family](compare, plain) if family is not None and plain else None
            compiled.append(
                CompiledCondition(
                    operator=operator,
                    key=str(key),
                    family=family,
                    negated=negated,
                    set_op=set_op,
                    if_exists=if_exists,
                    values=values,
                    compare=compare,
                    static=static,
                    dynamic=tuple(v for v in values if variables and has_variables(v)),
                )
            )
    return tuple(compiled)


def evaluate_conditions(
    conditions: tuple[CompiledCondition, ...], context: RequestContext
) -> tuple[Tri, tuple[str, ...]]:
    """AND of all pairs, plus the keys that made it UNKNOWN (empty unless the result is UNKNOWN)."""
    result = Tri.TRUE
    unknown: list[str] = []
    for condition in conditions:
        value = _evaluate(condition, context)
        if value is Tri.FALSE:
            return Tri.FALSE, ()
        if value is Tri.UNKNOWN:
            result = Tri.UNKNOWN
            unknown.append(condition.key)
    return result, tuple(dict.fromkeys(unknown)) if result is Tri.UNKNOWN else ()


# --- evaluation ----------------------------------------------------------------------------------------------------


def _evaluate(condition: CompiledCondition, context: RequestContext) -> Tri:
    if condition.family is None:
        return Tri.UNKNOWN
    resolved = context.resolve(condition.key)
    if resolved is UNKNOWN:
        return Tri.UNKNOWN
    present = resolved is not None and len(resolved) > 0
    if condition.family is Family.NULL:
        return Tri.any(Tri.of((v.lower() == "true") != present) for v in condition.values)
    if resolved is None or not present:
        if condition.if_exists or condition.set_op == "all":
            return Tri.TRUE
        if condition.set_op == "any":
            return Tri.FALSE
        return Tri.of(condition.negated)
    matchers = _matchers(condition, context)

    def satisfied(value: str) -> Tri:
        hit = Tri.any(m(value) for m in matchers)
        return hit.negate() if condition.negated else hit

    if condition.set_op == "any":
        return Tri.any(satisfied(v) for v in resolved)
    if condition.set_op == "all":
        return Tri.all(satisfied(v) for v in resolved)
    hit = Tri.any(m(v) for v in resolved for m in matchers)
    return hit.negate() if condition.negated else hit


def _matchers(condition: CompiledCondition, context: RequestContext) -> list[_Matcher]:
    """One matcher per policy value (variables substituted); values known absent are dropped (match nothing)."""
    matchers: list[_Matcher] = [condition.static] if condition.static is not None else []
    for raw in condition.dynamic:
        substituted = substitute(raw, context)
        if substituted is None:
            continue
        segments, certainty = substituted
        if certainty is Tri.UNKNOWN:
            matchers.append(_unknown_matcher(condition.family, segments))
        else:
            matchers.append(_value_matcher(condition, segments))
    return matchers


def _unknown_matcher(family: Family | None, segments: Segments) -> _Matcher:
    if family in (Family.STRING, Family.STRING_LIKE):
        regex = compile_segments(segments, Kind.STRING)
        return lambda value: Tri.UNKNOWN if regex.fullmatch(value) else Tri.FALSE
    if family is Family.ARN:
        arn_regex = compile_segments(segments, Kind.ARN)
        return lambda value: Tri.UNKNOWN if arn_regex.fullmatch(value) else Tri.FALSE
    return lambda value: Tri.UNKNOWN


def _value_matcher(condition: CompiledCondition, segments: Segments) -> _Matcher:
    if condition.family is Family.STRING_LIKE or condition.family is Family.ARN:
        kind = Kind.ARN if condition.family is Family.ARN else Kind.STRING
        regex = compile_segments(segments, kind)
        return lambda value: Tri.of(regex.fullmatch(value) is not None)
    if condition.family is None:
        return lambda value: Tri.UNKNOWN
    return _STATIC[condition.family](condition.compare, (segments_text(segments),))


# Builders of matchers for literal values: sets, one alternation regex, or parsed numbers.
_Builder = Callable[[_Compare | None, tuple[str, ...]], _Matcher]


def _string(_: _Compare | None, values: tuple[str, ...]) -> _Matcher:
    allowed = frozenset(values)
    return lambda value: Tri.of(value in allowed)


def _string_icase(_: _Compare | None, values: tuple[str, ...]) -> _Matcher:
    allowed = frozenset(v.lower() for v in values)
    return lambda value: Tri.of(value.lower() in allowed)


def _like(kind: Kind) -> _Builder:
    def build(_: _Compare | None, values: tuple[str, ...]) -> _Matcher:
        regex = compile_alternation(tuple(((v, False),) for v in values), kind)
        return lambda value: Tri.of(regex.fullmatch(value) is not None)

    return build


def _bool(_: _Compare | None, values: tuple[str, ...]) -> _Matcher:
    allowed = frozenset(v.lower() for v in values)
    return lambda value: Tri.of(value.lower() in allowed)


def parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_date(text: str) -> float | None:
    """ISO 8601 date/time or epoch seconds, as epoch seconds (naive times are UTC)."""
    number = parse_number(text)
    if number is not None:
        return number
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _ordered(parse: Callable[[str], float | None]) -> _Builder:
    def build(compare: _Compare | None, values: tuple[str, ...]) -> _Matcher:
        limits = [n for n in (parse(v) for v in values) if n is not None]

        def match(value: str) -> Tri:
            number = parse(value)
            if number is None or compare is None:
                return Tri.FALSE
            return Tri.of(any(compare(number, limit) for limit in limits))

        return match

    return build


def _ip(_: _Compare | None, values: tuple[str, ...]) -> _Matcher:
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            continue

    def match(value: str) -> Tri:
        try:
            address = ipaddress.ip_address(value.split("/", 1)[0])
        except ValueError:
            return Tri.FALSE
        return Tri.of(any(address.version == n.version and address in n for n in networks))

    return match


_STATIC: dict[Family, _Builder] = {
    Family.STRING: _string,
    Family.STRING_ICASE: _string_icase,
    Family.STRING_LIKE: _like(Kind.STRING),
    Family.ARN: _like(Kind.ARN),
    Family.NUMERIC: _ordered(parse_number),
    Family.DATE: _ordered(parse_date),
    Family.BOOL: _bool,
    Family.BINARY: _string,
    Family.IP: _ip,
    Family.NULL: _bool,
}
