using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class StudentTTests
{
    // the standard table values (12.706, 4.303, 2.776, 2.045, 9.925) to six decimals, re-derived independently of MathNet
    // by integrating the t density with a Simpson rule in float64 and bisecting
    [Theory]
    [InlineData(0.975, 1, 12.706205)]
    [InlineData(0.975, 2, 4.302653)]
    [InlineData(0.975, 4, 2.776445)]
    [InlineData(0.975, 29, 2.045230)]
    [InlineData(0.995, 2, 9.924843)]
    public void Quantile_matches_published_critical_values(double p, int df, double expected)
    {
        Assert.Equal(expected, StudentT.Quantile(p, df), 1e-5);
    }

    [Fact]
    public void Quantile_is_antisymmetric_about_one_half()
    {
        Assert.Equal(-StudentT.Quantile(0.975, 7), StudentT.Quantile(0.025, 7), 1e-9);
        Assert.Equal(0, StudentT.Quantile(0.5, 3), 1e-12);
    }

    [Theory]
    [InlineData(0.0, 3)]
    [InlineData(1.0, 3)]
    [InlineData(double.NaN, 3)]
    [InlineData(0.5, 0)]
    public void Quantile_rejects_p_outside_the_open_unit_interval_and_df_below_one(double p, int df)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(p, df));
    }
}
