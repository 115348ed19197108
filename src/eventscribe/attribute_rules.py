"""spaCy's attribute_ruler, with its rules looked up per token: the same rules, the same Doc.

The stock AttributeRuler runs all its rules (179 in en_core_web_sm) through the Matcher on
every token: about a tenth of the parse of a news article. Almost every rule tests a single
token on exact values (a tag, a lowercase form, a dependency), so ``IndexedAttributeRuler``
indexes those by (attribute, value) and tests only the few rules a token can match; the rules
over several tokens stay on a small Matcher. All matches are found before any is applied, and
they are applied in the stock ruler's order (rule by rule, a later rule wins) with spaCy's
own ``set_token_attrs``, so the Doc comes out as the stock component leaves it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens._retokenize import set_token_attrs

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# (token attribute, operator, operand): "==" a value, "in" / "not in" a set, "re" a regex
Condition = tuple[str, str, Any]
# Single-token rules are indexed under one of these exact-valued attributes, first found.
_INDEX_ATTRS = ("LOWER", "TAG", "DEP")
_ATTRS = frozenset({*_INDEX_ATTRS, "IS_SPACE"})
_OPERATORS = {"IN": "in", "NOT_IN": "not in", "REGEX": "re"}


class IndexedAttributeRuler:
    """The stock ruler's rules and attributes, matched by per-token lookups."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.attrs: list[dict[int, int]] = []
        self.indices: list[int] = []
        # (attribute, value) -> (rule, its other conditions); unindexed: rules to test on all
        self.indexed: dict[tuple[str, Any], list[tuple[int, list[Condition]]]] = {}
        self.unindexed: list[tuple[int, list[Condition]]] = []
        self.matcher = Matcher(vocab)  # the rules over several tokens

    def copy_rules(self, ruler: AttributeRuler) -> None:
        """Take every rule of a stock AttributeRuler, in its order."""
        indexed = defaultdict(list)
        for rule, pattern in enumerate(ruler.patterns):
            tokens_patterns: list[list[dict[str, Any]]] = pattern["patterns"]  # type: ignore[assignment]
            for tokens in tokens_patterns:
                conditions = _conditions(tokens[0]) if len(tokens) == 1 else None
                if conditions is None:
                    self.matcher.add(str(rule), [tokens])
                    continue
                attr, values = _index_key(tokens[0])
                others = [c for c in conditions if c[0] != attr]
                for value in values:
                    indexed[attr, value].append((rule, others))
                if not values:
                    self.unindexed.append((rule, conditions))
        self.indexed = dict(indexed)
        self.attrs, self.indices = list(ruler.attrs), list(ruler.indices)

    def __call__(self, doc: Doc) -> Doc:
        """Set the attributes of every matching rule on its token, as the stock ruler does."""
        matched = self._single_token_matches(doc)
        for key, start, end in self.matcher(doc, allow_missing=True):
            rule = int(self.vocab.strings[key])
            index = self.indices[rule]
            matched[start + index if index >= 0 else end + index].append(rule)
        for i, rules in sorted(matched.items()):
            token = doc[i]
            for rule in sorted(rules):
                set_token_attrs(token, self.attrs[rule])
        return doc

    def _single_token_matches(self, doc: Doc) -> defaultdict[int, list[int]]:
        matched: defaultdict[int, list[int]] = defaultdict(list)
        indexed, unindexed, nothing = self.indexed, self.unindexed, ()
        for token in doc:
            values = {
                "LOWER": token.lower_, "TAG": token.tag_, "DEP": token.dep_,
                "IS_SPACE": token.is_space,
            }  # fmt: skip
            for found in (
                indexed.get(("LOWER", values["LOWER"]), nothing),
                indexed.get(("TAG", values["TAG"]), nothing),
                indexed.get(("DEP", values["DEP"]), nothing),
                unindexed,
            ):
                for rule, conditions in found:
                    if not conditions or _all_hold(values, conditions):
                        matched[token.i].append(rule)
        return matched


def _conditions(token_pattern: dict[str, Any]) -> list[Condition] | None:
    """Return a one-token pattern's conditions, or None when ``_all_hold`` cannot decide them."""
    conditions: list[Condition] = []
    for attr, spec in token_pattern.items():
        if attr not in _ATTRS:
            return None
        if isinstance(spec, str | bool):
            conditions.append((attr, "==", spec))
        elif isinstance(spec, dict) and len(spec) == 1 and spec.keys() <= _OPERATORS.keys():
            ((name, operand),) = spec.items()
            operand = re.compile(operand) if name == "REGEX" else frozenset(operand)
            conditions.append((attr, _OPERATORS[name], operand))
        else:
            return None
    return conditions


def _index_key(token_pattern: dict[str, Any]) -> tuple[str, list[Any]]:
    """Return an attribute and the values a token must have one of to match ([]: test all)."""
    for attr in _INDEX_ATTRS:
        spec = token_pattern.get(attr)
        if isinstance(spec, str):
            return attr, [spec]
        if isinstance(spec, dict) and list(spec) == ["IN"]:
            return attr, list(dict.fromkeys(spec["IN"]))
    return "", []


def _all_hold(values: dict[str, Any], conditions: list[Condition]) -> bool:
    """Decide conditions as the Matcher does (a regex is searched, not matched)."""
    for attr, operator, operand in conditions:
        value = values[attr]
        if operator == "==":
            held = value == operand
        elif operator == "in":
            held = value in operand
        elif operator == "not in":
            held = value not in operand
        else:
            held = operand.search(value) is not None
        if not held:
            return False
    return True


@Language.factory("indexed_attribute_ruler")
def make_indexed_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    """Return an empty ruler; ``copy_rules`` fills it from the stock one."""
    return IndexedAttributeRuler(nlp.vocab)


def use_indexed_attribute_ruler(nlp: Language) -> None:
    """Swap the pipeline's attribute_ruler for an IndexedAttributeRuler with its rules."""
    names = nlp.pipe_names
    position = names.index("attribute_ruler")
    _, stock = nlp.remove_pipe("attribute_ruler")
    where: dict[str, Any] = {"after": names[position - 1]} if position else {"first": True}
    indexed = nlp.add_pipe("indexed_attribute_ruler", name="attribute_ruler", **where)
    assert isinstance(indexed, IndexedAttributeRuler) and isinstance(stock, AttributeRuler)
    indexed.copy_rules(stock)
