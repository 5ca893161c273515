package dev.mailaccess.angus.internal;

import dev.mailaccess.search.SearchQuery;
import jakarta.mail.Message;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.BodyTerm;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.NotTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.ReceivedDateTerm;
import jakarta.mail.search.RecipientStringTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SentDateTerm;
import jakarta.mail.search.SizeTerm;
import jakarta.mail.search.SubjectTerm;

import java.time.ZoneId;
import java.util.Date;
import java.util.List;

/**
 * Translates a {@link SearchQuery} into a Jakarta {@link SearchTerm}: the IMAP adapter sends it to the server, the
 * POP3 emulation evaluates it locally with {@link SearchTerm#match(Message)}.
 */
public final class SearchTerms {
    private SearchTerms() {
    }

    /** The term, or null for a query that matches everything. */
    public static SearchTerm toTerm(SearchQuery q) {
        if (q instanceof SearchQuery.All) {
            return null;
        }
        if (q instanceof SearchQuery.And a) {
            return combine(a.terms(), true);
        }
        if (q instanceof SearchQuery.Or o) {
            return combine(o.terms(), false);
        }
        if (q instanceof SearchQuery.Not n) {
            SearchTerm inner = toTerm(n.term());
            return inner == null ? new NotTerm(new SizeTerm(ComparisonTerm.GE, 0)) : new NotTerm(inner);
        }
        if (q instanceof SearchQuery.Contains c) {
            return switch (c.field()) {
                case FROM -> new FromStringTerm(c.text());
                case TO -> new RecipientStringTerm(Message.RecipientType.TO, c.text());
                case CC -> new RecipientStringTerm(Message.RecipientType.CC, c.text());
                case BCC -> new RecipientStringTerm(Message.RecipientType.BCC, c.text());
                case SUBJECT -> new SubjectTerm(c.text());
                case BODY -> new BodyTerm(c.text());
                case TEXT -> new OrTerm(new SearchTerm[] {
                        new SubjectTerm(c.text()), new FromStringTerm(c.text()),
                        new RecipientStringTerm(Message.RecipientType.TO, c.text()),
                        new RecipientStringTerm(Message.RecipientType.CC, c.text()),
                        new BodyTerm(c.text())});
            };
        }
        if (q instanceof SearchQuery.HeaderContains h) {
            return new HeaderTerm(h.name(), h.text());
        }
        if (q instanceof SearchQuery.DateIs d) {
            int cmp = switch (d.op()) {
                case BEFORE -> ComparisonTerm.LT;
                case ON -> ComparisonTerm.EQ;
                case SINCE -> ComparisonTerm.GE;
            };
            Date date = Date.from(d.date().atStartOfDay(ZoneId.systemDefault()).toInstant());
            return d.field() == SearchQuery.DateField.SENT ? new SentDateTerm(cmp, date)
                    : new ReceivedDateTerm(cmp, date);
        }
        if (q instanceof SearchQuery.SizeIs s) {
            return new SizeTerm(s.larger() ? ComparisonTerm.GT : ComparisonTerm.LT, (int) Math.min(s.bytes(),
                    Integer.MAX_VALUE));
        }
        if (q instanceof SearchQuery.FlagIs f) {
            return new FlagTerm(new jakarta.mail.Flags(MimeConversion.jakartaFlag(f.flag())), f.set());
        }
        if (q instanceof SearchQuery.KeywordIs k) {
            return new FlagTerm(new jakarta.mail.Flags(k.keyword()), k.set());
        }
        throw new IllegalArgumentException("unknown query node " + q);
    }

    private static SearchTerm combine(List<SearchQuery> parts, boolean and) {
        List<SearchTerm> terms = parts.stream().map(SearchTerms::toTerm).toList();
        if (terms.stream().anyMatch(t -> t == null)) {
            if (and) {
                terms = terms.stream().filter(t -> t != null).toList();
                if (terms.isEmpty()) {
                    return null;
                }
            } else {
                return null;
            }
        }
        if (terms.isEmpty()) {
            return and ? null : new NotTerm(new SizeTerm(ComparisonTerm.GE, 0));
        }
        if (terms.size() == 1) {
            return terms.get(0);
        }
        SearchTerm[] arr = terms.toArray(new SearchTerm[0]);
        return and ? new AndTerm(arr) : new OrTerm(arr);
    }
}
