using System.Globalization;
using RmpSnn.Evaluation;

namespace RmpSnn.Tests.Evaluation;

/// <summary>CSV fields follow RFC 4180 and the invariant culture, whatever the user's culture.</summary>
public class CsvTests
{
    [Fact]
    public void FieldsWithCommasQuotesOrLineBreaksAreQuotedWithTheirQuotesDoubled()
    {
        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\n",
            SimulationReport.Csv("plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere"));
    }

    [Fact]
    public void NumbersUseTheInvariantCultureUnderAnyCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("soft α=0.8,0.5,1.25,7\n", SimulationReport.Csv(new SnnConfiguration(RmpSnn.Snn.ResetMode.Soft, 0.8).Label, 0.5, 1.25f, 7));
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }
}
