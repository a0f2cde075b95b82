using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

/// <summary>The two 6 × 3 sets of tests/fixtures/metrics-reference/kid_vendi_reference.py, which prints their reference values (KID, Vendi, copy check).</summary>
internal static class HandMadeRows
{
    public static FeatureSet X => new([
        1.0f, 0.5f, -0.2f, 0.3f, -1.1f, 0.8f, -0.7f, 0.2f, 0.4f, 0.9f, 0.9f, 0.1f, -0.4f, -0.6f, -1.0f, 0.2f, 1.3f, -0.5f,
    ], 3);

    public static FeatureSet Y => new([
        0.8f, 0.7f, 0.0f, 0.1f, -0.9f, 1.2f, -1.2f, 0.4f, 0.3f, 1.5f, 0.2f, 0.6f, -0.3f, -0.2f, -0.8f, 0.6f, 1.0f, -0.9f,
    ], 3);

    /// <summary>
    /// The script computes in float64 from the decimal literals; the C# side starts from their float32 roundings, which
    /// move the values by ~1e-7 relative.
    /// </summary>
    public const double Tolerance = 1e-6;
}
