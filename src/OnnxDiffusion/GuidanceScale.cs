namespace OnnxDiffusion;

/// <summary>
/// The one range check for a classifier-free guidance scale, wherever it comes from (<c>--guidance</c>, a model's
/// <c>default_guidance_scale</c>, a plan's <c>guidance</c>). The scale is applied in float32, so a double such as 1e308
/// that is finite as given becomes infinity there: it must be refused up front, not blamed on the model later.
/// </summary>
public static class GuidanceScale
{
    /// <summary>What a valid scale is, for messages.</summary>
    public const string Expected = "a finite number ≥ 0 that fits a float32 (at most 3.4E+38)";

    /// <summary>Whether <paramref name="scale"/> is finite, non-negative and finite once cast to float32.</summary>
    public static bool IsValid(double scale) => double.IsFinite(scale) && scale >= 0 && float.IsFinite((float)scale);
}
