package sandbox

import "testing"

func TestActorEditsAndDeletesOwnMessagesOnly(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	fc, _ := openFeed(t, ts, "")
	ch := `"channel_id":"` + GeneralChannelID.String() + `"`
	mine := act(t, ts, "POST", "/messages", `{"content":"tpyo",`+ch+`}`).body["id"].(string)
	graces := act(t, ts, "POST", "/messages", `{"content":"hers","user_id":"`+grace+`",`+ch+`}`).body["id"].(string)
	edited := act(t, ts, "PATCH", "/messages/"+mine, `{"content":"typo",`+ch+`}`)
	if edited.status != 200 || edited.body["content"] != "typo" || edited.body["edited_timestamp"] == nil {
		t.Fatalf("edit = %d %v", edited.status, edited.body)
	}
	if got := fc.nextDispatch(t, "MESSAGE_UPDATE"); got["id"] != mine || got["content"] != "typo" {
		t.Fatalf("MESSAGE_UPDATE = %v", got)
	}
	if res := act(t, ts, "PATCH", "/messages/"+graces, `{"content":"mine now",`+ch+`}`); res.status != 403 || res.body["code"] != 50005.0 {
		t.Fatalf("editing grace's message = %d %v, want 403 50005", res.status, res.body)
	}
	if res := act(t, ts, "PATCH", "/messages/"+mine, `{"content":"  ",`+ch+`}`); res.status != 400 || res.body["code"] != 50006.0 {
		t.Fatalf("an empty edit = %d %v, want 400 50006", res.status, res.body)
	}
	if res := act(t, ts, "DELETE", "/messages/"+mine, `{`+ch+`}`); res.status != 204 {
		t.Fatalf("delete = %d %v", res.status, res.body)
	}
	if got := fc.nextDispatch(t, "MESSAGE_DELETE"); got["id"] != mine {
		t.Fatalf("MESSAGE_DELETE = %v", got)
	}
	if res := act(t, ts, "DELETE", "/messages/"+mine, `{`+ch+`}`); res.status != 404 || res.body["code"] != 10008.0 {
		t.Fatalf("deleting it again = %d %v, want 404 10008", res.status, res.body)
	}
}
