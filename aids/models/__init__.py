from aids.models.content import (  # noqa: F401
    Aid,
    AidVersion,
    Benefit,
    Contributor,
    Criterion,
    FrozenVersionError,
    GridAnswer,
    GridQuestion,
    Likelihood,
    OperationForm,
    Option,
    Reference,
    Risk,
    Section,
    UnderstandingQuestion,
    ValueStatement,
)
from aids.models.consultation import (  # noqa: F401,E402
    Addendum,
    AuditEvent,
    Consultation,
    FinalRecordError,
    ItemRecord,
    NOT_SURE_SITE,
    PatientQuestion,
    RecordDocument,
    UnderstandingAnswer,
    ValueRating,
)
from aids.models.site import KeptText, SiteSettings, StaffProfile, Team  # noqa: F401,E402
from aids.models.health import HealthProbe  # noqa: F401,E402
from aids.models.feedback import CollaborateInvite, CollaborateResponse, SdmReport  # noqa: F401,E402
from aids.models.translation import (  # noqa: F401,E402
    TRANSLATABLE, TranslatedText, Translation,
)
