"""The people and employers of tests/applications, for the staff and applicant pages."""

from ..applications.conftest import (  # noqa: F401 (fixtures shared with the flow's tests)
    beijing,
    clerk,
    employer_x,
    employer_y,
    examiner,
    exit_entry_handler,
    handler_x,
    handler_y,
    qingdao_clerk,
)
