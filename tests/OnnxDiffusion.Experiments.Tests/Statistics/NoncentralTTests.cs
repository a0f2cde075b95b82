using MathNet.Numerics.Distributions;
using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class NoncentralTTests
{
    [Theory]
    [InlineData(1, -3.0)]
    [InlineData(1, 12.706205)]
    [InlineData(2, 0.7)]
    [InlineData(4, 2.776445)]
    [InlineData(29, -2.04523)]
    [InlineData(500, 1.5)]
    public void Zero_non_centrality_is_the_central_t(int df, double t)
    {
        Assert.Equal(MathNet.Numerics.Distributions.StudentT.CDF(0, 1, df, t), NoncentralT.Cdf(t, df, 0), 1e-9);
    }

    [Fact]
    public void Shifting_by_delta_moves_the_mass_up()
    {
        // with infinitely many df, T is Z + δ, so P(T ≤ δ) → ½; at 10,000 df it is within 1e-3
        Assert.Equal(0.5, NoncentralT.Cdf(3, 10_000, 3), 1e-3);
        Assert.True(NoncentralT.Cdf(0, 4, 2) < Normal.CDF(0, 1, -2) + 1e-3);
    }

    [Theory]
    [InlineData(1, 0.3)]
    [InlineData(3, 1.7)]
    [InlineData(40, 6.2)]
    public void Chi_density_is_the_chi_squared_density_after_u_equals_x_squared(int df, double x)
    {
        Assert.Equal(2 * x * ChiSquared.PDF(df, x * x), NoncentralT.ChiDensity(x, df), 1e-12);
    }
}
