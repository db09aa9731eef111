// The SIP message layer; see the files beside this one.
