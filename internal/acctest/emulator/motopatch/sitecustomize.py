# Loaded by the Python that runs moto_server for golive's tests (the
# emulator package puts this directory on PYTHONPATH): it changes moto where
# moto does not behave like DynamoDB. Test set-up only; no product code
# depends on it.
#
# moto's TransactWriteItems deep-copies every table a transaction touches
# before applying it, to roll back on failure. On a table of many items that
# copy dominates the emulator's time, and while it runs another request's
# write can change the table under it: the transaction then fails with HTTP
# 500, which DynamoDB never answers. Here DynamoDB writes take one lock, and
# a transaction checks every condition first, against the items as they
# are, and only then writes; only the items it touches are copied, to put
# back if a write fails.
import copy
import threading

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend

_writes = threading.RLock()


def _locked(method):
    def wrapper(self, *args, **kwargs):
        with _writes:
            return method(self, *args, **kwargs)

    return wrapper


for _name in ("put_item", "update_item", "delete_item"):
    setattr(DynamoDBBackend, _name, _locked(getattr(DynamoDBBackend, _name)))


def _key_of(backend, op_type, op):
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _check(backend, op_type, op, key):
    """The cancellation reason of one item: (None, None, None) when it may go."""
    current = backend.get_item(op["TableName"], key)
    condition = op.get("ConditionExpression")
    if condition is None:
        return (None, None, None)
    expr = get_filter_expression(condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
    if expr.expr(current):
        return (None, None, None)
    old = None
    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
        old = current.to_json()["Attributes"]
    return ("ConditionalCheckFailed", str(ConditionalCheckFailed(item=old).message), old)


def _apply(backend, op_type, op, key):
    name = op["TableName"]
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(name, op["Item"])
    elif op_type == "Delete":
        backend.delete_item(name, key)
    elif op_type == "Update":
        backend.update_item(name, key, update_expression=op["UpdateExpression"],
                            expression_attribute_names=names, expression_attribute_values=values)


def transact_write_items(self, transact_items):
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _writes:
        ops, seen, reasons = [], set(), []
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            key = _key_of(self, op_type, op)
            ident = (op["TableName"], str(dict(sorted(key.items()))))
            if ident in seen:
                raise MultipleTransactionsException()
            seen.add(ident)
            ops.append((op_type, op, key))
            reasons.append(_check(self, op_type, op, key))
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)
        before = []
        for op_type, op, key in ops:
            current = self.get_item(op["TableName"], key)
            before.append((op["TableName"], key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
        try:
            for op_type, op, key in ops:
                _apply(self, op_type, op, key)
        except (MultipleTransactionsException, MockValidationException):
            for name, key, attrs in reversed(before):
                if attrs is None:
                    self.delete_item(name, key)
                else:
                    self.put_item(name, attrs)
            raise


DynamoDBBackend.transact_write_items = transact_write_items
