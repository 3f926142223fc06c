//! GuardDuty's count limits, in one place.

/// Tags per resource: "Tagging is currently supported for detectors, finding filters, IP sets,
/// threat intel sets, and publishing destination, with a limit of 50 tags per resource"
/// (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListTagsForResource.html);
/// the model's map allows 200, GuardDuty refuses more than 50 with `BadRequestException`.
pub(super) const TAGS_PER_RESOURCE: usize = 50;
