"""The annotations the contract's ``TypedDict`` s are written in, importable without Pulumi.

At run time this module stands in for the two Pulumi names the contract needs, so that the pure layer
(``eks_irsa.contract``, ``eks_irsa.plan``, ``eks_irsa.iam``) imports no Pulumi module:

- :data:`Input` is built exactly as ``pulumi.Input`` is (``Union[T, Awaitable[T], "Output[T]"]``, pulumi
  3.272.0 ``pulumi/output.py``), so ``Input[str]`` is the same union the SDK's component analyzer and
  :func:`eks_irsa.shape.check_shape` recognise: a plain value, an awaitable or an Output.
- :class:`AwsProvider` marks an input that takes a ``pulumi_aws.Provider``; the multi-language provider
  (:mod:`eks_irsa.provider`) hands the analyzer the real class in its place, so the schema refers to the
  aws package's provider resource.

A type checker reads the real Pulumi names (``TYPE_CHECKING``), so callers' programs type-check against
``pulumi.Input`` and ``pulumi_aws.Provider``.

- :data:`OrValue` ``[TheEnum, Literal[...its values...]]`` is a field that takes a closed set: at run time the enum
  itself (what the analyzer, :func:`eks_irsa.shape.check_shape`, the schemas and ``help()`` read), for a type
  checker the enum or one of its values as a plain string, as users write ``"partition": "aws"``. Subscribing it
  checks that the ``Literal`` holds exactly the enum's values.

No ``from __future__ import annotations`` in the contract's modules: the analyzer and ``typing`` read the
annotations as objects (with string annotations, Python 3.11 also loses ``NotRequired`` in
``__required_keys__``).
"""

import typing
from collections.abc import Awaitable
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ForwardRef, TypeVar, Union

T = TypeVar("T")
E = TypeVar("E", bound=Enum)
V = TypeVar("V", bound=str)

if TYPE_CHECKING:
    from pulumi import Input
    from pulumi_aws import Provider as AwsProvider
else:
    Input = Union[T, Awaitable[T], ForwardRef("Output[T]")]  # noqa: UP007 (a ForwardRef takes no ``|``)
    """``pulumi.Input[T]``: a plain ``T``, an awaitable of one, or a Pulumi Output of one."""

    class AwsProvider:
        """A ``pulumi_aws.Provider`` resource, passed by reference (in another language: the aws package's
        ``Provider``). The shape check lets any resource through; the component checks its package."""

        pulumi_type = "pulumi:providers:aws"
        """The Pulumi type token of the resource this stands for."""


if TYPE_CHECKING:
    OrValue = Union[E, V]  # noqa: UP007 (a generic alias of two type variables)
else:

    class OrValue:
        """``OrValue[TheEnum, Literal[...]]``: ``TheEnum`` at run time; for a type checker, ``TheEnum`` or one of
        the ``Literal``'s plain strings."""

        def __class_getitem__(cls, params: tuple[type[Enum], Any]) -> type[Enum]:
            """``TheEnum``, once the ``Literal`` is checked to hold exactly its values.

            Raises:
                TypeError: the ``Literal`` lacks a value of the enum or holds one the enum does not.
            """
            enum, values = params
            expected, given = {member.value for member in enum}, set(typing.get_args(values))
            if given != expected:
                raise TypeError(
                    f"OrValue[{enum.__name__}, ...]: the Literal lacks {sorted(expected - given)} and has "
                    f"{sorted(given - expected)} that {enum.__name__} does not"
                )
            return enum


class OneOrMore:
    """Marks a ``list[str]`` annotation where one plain string stands for a one-item list, as IAM reads a
    condition value (IAM User Guide, 'IAM JSON policy elements: Condition': a value is a string or a list)."""

    def __repr__(self) -> str:
        return "ONE_OR_MORE"


ONE_OR_MORE = OneOrMore()
"""The :class:`OneOrMore` marker, used as ``Annotated[list[str], ONE_OR_MORE]``."""

ConditionValues = Annotated[list[str], ONE_OR_MORE]
"""The values of one IAM condition key: a list of strings, or one string."""
